/**
 * Which processes a `tributary dev` home owns: `<home>/chain/anvil.pid` names the Anvil it runs
 * (written by the watchdog while Anvil lives) and `<home>/dev.json` where its chain and node
 * answer (for `tributary dev time`). An Anvil named there whose dev process is gone is an orphan
 * of this home: it is stopped (SIGTERM: it saves its state) before a new one starts.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TributaryError } from '@tributary/protocol';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** On Linux, checks the pid still runs Anvil (a recycled pid must not be killed). */
function runsAnvil(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes('anvil');
  } catch {
    return false;
  }
}

/**
 * Stops the Anvil a previous run of this home left running, if any; returns its pid. Call only
 * while holding the home's lock (so no live `tributary dev` owns it).
 */
export async function stopOrphanedAnvil(pidFile: string): Promise<number | null> {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!pid || !isAlive(pid) || !runsAnvil(pid)) return null;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 10_000) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}

export type DevInfo = { pid: number; rpcUrl: string; nodeUrl: string; chainId: number };

/** Records where the running network answers; returns a function that removes the record. */
export function writeDevInfo(home: string, info: Omit<DevInfo, 'pid'>): () => void {
  const path = join(home, 'dev.json');
  writeFileSync(path, JSON.stringify({ pid: process.pid, ...info }));
  return () => rmSync(path, { force: true });
}

/** Where the running `tributary dev` of `home` answers; a clear error when none runs. */
export function readDevInfo(home: string): DevInfo {
  const path = join(home, 'dev.json');
  const info = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DevInfo) : null;
  if (!info || !isAlive(info.pid)) {
    throw new TributaryError({
      code: 'DEV_NOT_RUNNING',
      message: `no tributary dev is running on ${home}`,
      details: ['start it with `tributary dev` (add --home DIR if it lives elsewhere)'],
    });
  }
  return info;
}
