/**
 * `tributary dev` owns its Anvil: a signal while the demo loads or a kill -9 never leaves Anvil
 * running, an Anvil a previous run left behind is stopped before a new one starts, a chain on the
 * port that this home did not start is refused, and `dev time` survives a restart (block
 * timestamps never go backwards, so ERC20Votes checkpoints keep working).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS, freePort, startAnvil } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, describe, expect, it } from 'vitest';
import { chainTime } from './devClock.js';
import { isAlive } from './devOwnership.js';
import { devArgs, runCli, stopDev, TRIBUTARY_BIN } from './testing/devProcess.js';

/** Starts `tributary dev` (without the demo unless asked) and resolves once stderr shows `until`. */
function spawnDev(home: string, chainPort: number, port: number, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [TRIBUTARY_BIN, ...devArgs(home, chainPort, port), '--json', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 137 : null))),
  );
  const waitFor = async (test: () => boolean, what: string, timeoutMs = 120_000) => {
    for (const deadline = Date.now() + timeoutMs; !test(); ) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `tributary dev ${child.exitCode !== null ? `exited ${child.exitCode}` : 'timed out'} before ${what}: ${stderr}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    ready: () => waitFor(() => stdout.includes('{'), 'it was ready'),
    waitFor,
  };
}

const rpcAnswers = async (port: number) =>
  fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
  }).then(
    () => true,
    () => false,
  );

const gone = async (pid: number) => {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
};

describe('tributary dev owns its Anvil', () => {
  const home = mkdtempSync(join(tmpdir(), 'tributary-owner-'));
  const pidFile = join(home, 'chain', 'anvil.pid');
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) await stopDev(c);
    rmSync(home, { recursive: true, force: true });
  });

  it('stops Anvil when SIGTERM arrives while the demo loads, and when the dev process is killed with -9', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    const first = spawnDev(home, chainPort, port, ['--demo']);
    children.push(first.child);
    // dev.json appears once the node serves; the demo loads next (contributions, a model build).
    await first.waitFor(() => existsSync(join(home, 'dev.json')), 'the demo loads');
    const anvilPid = Number(readFileSync(pidFile, 'utf8'));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(143);
    expect(await gone(anvilPid)).toBe(true);
    expect(await rpcAnswers(chainPort)).toBe(false);

    const second = spawnDev(home, chainPort, port);
    children.push(second.child);
    await second.ready();
    const secondAnvil = Number(readFileSync(pidFile, 'utf8'));
    second.child.kill('SIGKILL');
    await second.exited;
    expect(await gone(secondAnvil)).toBe(true); // the watchdog stopped it
    expect(await rpcAnswers(chainPort)).toBe(false);
  }, 600_000);

  it('keeps the clock moved by `dev time` across a restart, and votes still checkpoint', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    const running = spawnDev(home, chainPort, port);
    children.push(running.child);
    await running.ready();
    const moved = await runCli(['dev', 'time', '+7d', '--home', home, '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    const { chainTime: warped } = JSON.parse(moved.stdout) as { chainTime: number };
    expect(warped).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);
    // Account 4 delegates to 5 in the future: 5's votes get a checkpoint at the warped time.
    const api = `http://127.0.0.1:${port}`;
    const delegate = (to: number) =>
      runCli([
        'gov',
        'delegate',
        '--key',
        '4',
        '--to',
        privateKeyToAccount(ANVIL_PRIVATE_KEYS[to]!).address,
        '--node',
        api,
        '--json',
      ]);
    expect((await delegate(5)).code).toBe(0);
    expect(await stopDev(running.child)).toBe(0);

    const restarted = spawnDev(home, chainPort, port);
    children.push(restarted.child);
    await restarted.ready();
    // Moving 4's votes from 5 to 6 writes 5's next checkpoint: it reverted with
    // CheckpointUnorderedInsertion when block timestamps went backwards after a restart.
    const moved2 = await delegate(6);
    expect(moved2.code, moved2.stderr).toBe(0);
    expect(await chainTime(`http://127.0.0.1:${chainPort}`)).toBeGreaterThan(warped);
    const noDev = await runCli(['dev', 'time', '+1d', '--home', join(home, 'elsewhere')]);
    expect(noDev.code).toBe(1);
    expect(noDev.stderr).toContain('no tributary dev is running');
    expect(await stopDev(restarted.child)).toBe(0);
  }, 600_000);

  it('stops an Anvil this home left running before starting, and refuses a chain it does not own', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    // An orphan: Anvil on this home's state, its pid recorded, no dev process alive.
    const orphan = await startAnvil({
      port: chainPort,
      stateFile: join(home, 'chain', 'state.json'),
      dieWithParent: true,
      pidFile,
    });
    const orphanPid = Number(readFileSync(pidFile, 'utf8'));
    const adopted = spawnDev(home, chainPort, port);
    children.push(adopted.child);
    await adopted.ready();
    expect(adopted.output().stdout + adopted.output().stderr).not.toContain('error');
    expect(await gone(orphanPid)).toBe(true);
    await orphan.stop();
    expect(await stopDev(adopted.child)).toBe(0);
    expect(existsSync(pidFile)).toBe(false);

    // A chain nobody recorded on the port: refused, with what to do.
    const foreign = await startAnvil({ port: chainPort });
    try {
      const refused = await runCli(devArgs(home, chainPort, port));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /a chain already answers on port \d+; refusing to use a chain this process did not start/,
      );
    } finally {
      await foreign.stop();
    }
  }, 600_000);
});
