/**
 * Starts a local Anvil chain from the `@foundry-rs/anvil` npm package, for tests and
 * `tributary dev`. Nothing is downloaded: the binary ships inside the platform package.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TributaryError } from './errors.js';

export type StartAnvilParameters = {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Chain id (default 31337). */
  chainId?: number;
  /** Load state from this file at start and dump it there on exit and every `stateInterval` s. */
  stateFile?: string;
  /** Seconds between state dumps (with `stateFile`); default 1. */
  stateInterval?: number;
  /** Mine a block every n seconds instead of on every transaction. */
  blockTime?: number;
  /** Extra command-line arguments. */
  args?: string[];
  /**
   * Run Anvil under a watchdog that stops it when this process exits in any way (even `kill -9`),
   * so it is never left running orphaned. Its own process group: a terminal's Ctrl-C reaches only
   * this process, which then stops Anvil in order.
   */
  dieWithParent?: boolean;
  /** With `dieWithParent`: a file that holds Anvil's pid while it runs (to find an orphan later). */
  pidFile?: string;
};

export type AnvilInstance = {
  rpcUrl: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops Anvil (SIGTERM, so it dumps its state) and waits for it to exit. */
  stop(): Promise<void>;
};

/** The first ten accounts of Anvil's default mnemonic ("test test … junk"). */
export const ANVIL_PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
] as const;

/** Thrown when Anvil cannot be found or does not start. */
export class AnvilError extends TributaryError {
  override name = 'AnvilError';
}

/** Path of the Anvil binary inside the platform package that npm installed. */
export function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'anvil');
  } catch (cause) {
    throw new AnvilError({
      code: 'ANVIL_NOT_INSTALLED',
      message: `Anvil is not installed for ${process.platform}-${process.arch}`,
      details: [`expected the npm package ${pkg}`, 'run `npm install` at the repository root'],
      cause,
    });
  }
}

const watchdogPath = () => join(dirname(fileURLToPath(import.meta.url)), 'anvilWatchdog.mjs');

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Anvil and resolves once its RPC answers.
 *
 * @example
 * const anvil = await startAnvil();
 * // … use anvil.rpcUrl …
 * await anvil.stop();
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<AnvilInstance> {
  const port = parameters.port ?? (await freePort());
  const chainId = parameters.chainId ?? 31337;
  const args = ['--port', String(port), '--chain-id', String(chainId), '--host', '127.0.0.1'];
  if (parameters.stateFile) {
    args.push('--state', parameters.stateFile, '--state-interval', String(parameters.stateInterval ?? 1));
  }
  if (parameters.blockTime) args.push('--block-time', String(parameters.blockTime));
  args.push(...(parameters.args ?? []));
  const rpcUrl = `http://127.0.0.1:${port}`;
  // Otherwise the readiness check below would talk to that other chain and call it ours.
  if (await rpcAnswers(rpcUrl)) {
    throw new AnvilError({
      code: 'ANVIL_PORT_IN_USE',
      message: `a chain already answers on port ${port}; refusing to use a chain this process did not start`,
      details: ['stop it (an Anvil left running by another program?), or choose another port'],
    });
  }

  const child = parameters.dieWithParent
    ? spawn(process.execPath, [watchdogPath(), anvilBinaryPath(), ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: { ...process.env, ...(parameters.pidFile ? { ANVIL_PID_FILE: parameters.pidFile } : {}) },
      })
    : spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Under the watchdog, Anvil is in the watchdog's process group: a SIGKILL goes to both.
  const kill = (signal: NodeJS.Signals) =>
    parameters.dieWithParent && signal === 'SIGKILL' && child.pid
      ? process.kill(-child.pid, signal)
      : child.kill(signal);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new AnvilError({
        code: 'ANVIL_EXITED',
        message: `Anvil exited with code ${child.exitCode} before it was ready`,
        details: output.trim().split('\n').slice(-8),
      });
    }
    if (await rpcAnswers(rpcUrl)) break;
    if (Date.now() > deadline) {
      kill('SIGKILL');
      throw new AnvilError({
        code: 'ANVIL_TIMEOUT',
        message: `Anvil did not answer on ${rpcUrl} within 30 s`,
        details: output.trim().split('\n').slice(-8),
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    rpcUrl,
    port,
    chainId,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
