/**
 * The local network behind `tributary dev`: Anvil with its state under `<home>/chain`, the
 * protocol deployed once (addresses in `<home>/addresses.json`), the dev token distribution
 * (voters delegated, treasury and voter-reward budget funded), this node registered and staked,
 * and the node serving on top. Every step checks what exists first, so a second start resumes
 * the same chain, database and files.
 *
 * Anvil belongs to this process: it runs under a watchdog that stops it when this process ends in
 * any way (kill -9 included), a start interrupted by a signal stops what it started, an Anvil that
 * a previous run of this home left behind is stopped (its state saved) before a new one starts,
 * and an RPC port held by anything else is refused.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type RunningNode, startNode } from '@tributary/node';
import {
  ANVIL_PRIVATE_KEYS,
  type AnvilInstance,
  DEV_DISTRIBUTION,
  deploy,
  devDeployConfig,
  distributeDevTokens,
  type ProtocolAddresses,
  registerNode,
  startAnvil,
  TributaryError,
} from '@tributary/protocol';
import type { Hex } from 'viem';
import { keepClockMonotonic } from './devClock.js';
import { isAlive, stopOrphanedAnvil, writeDevInfo } from './devOwnership.js';
import type { Ui } from './ui.js';
import { webAppDir } from './webApp.js';

/** Dev account 9 operates the node (and signs its receipts). */
export const DEV_NODE_KEY = ANVIL_PRIVATE_KEYS[9];
/** Tokens each voting dev account (1–8) gets once. */
export const DEV_ACCOUNT_TOKENS = DEV_DISTRIBUTION.voter;

export type StartDevNetworkParameters = {
  home?: string;
  chainPort?: number;
  nodePort?: number;
  ui: Ui;
  /** Aborting (a signal during start) stops what was started and rejects with DEV_INTERRUPTED. */
  signal?: AbortSignal;
};

export type DevNetwork = {
  home: string;
  anvil: AnvilInstance;
  node: RunningNode;
  addresses: ProtocolAddresses;
  resumed: boolean;
  stop(): Promise<void>;
};

/** Starts (or resumes) the local network. */
export async function startDevNetwork(parameters: StartDevNetworkParameters): Promise<DevNetwork> {
  const { ui, signal } = parameters;
  const home = resolve(parameters.home ?? '.tributary');
  mkdirSync(join(home, 'chain'), { recursive: true });
  const releaseLock = takeLock(home);
  let anvil: AnvilInstance | undefined;
  let node: RunningNode | undefined;
  const checkpoint = () => {
    if (signal?.aborted) {
      throw new TributaryError({
        code: 'DEV_INTERRUPTED',
        message: 'interrupted while starting: stopped what had started (state saved)',
      });
    }
  };
  try {
    const stateFile = join(home, 'chain', 'state.json');
    const pidFile = join(home, 'chain', 'anvil.pid');
    const resumed = existsSync(stateFile);
    const orphan = await stopOrphanedAnvil(pidFile);
    if (orphan)
      ui.info(
        ui.dim(
          `stopped Anvil pid ${orphan}: a previous tributary dev on this home left it running (state saved)`,
        ),
      );
    checkpoint();
    anvil = await ui.step(
      resumed ? 'Resuming the local chain (Anvil)' : 'Starting a local chain (Anvil)',
      () =>
        startAnvil({
          port: parameters.chainPort ?? 8545,
          stateFile,
          stateInterval: 1,
          dieWithParent: true,
          pidFile,
        }),
    );
    const rpcUrl = anvil.rpcUrl;
    await keepClockMonotonic(rpcUrl);
    checkpoint();
    const { addresses } = await ui.step('Deploying the protocol contracts', (update) =>
      deploy({
        rpcUrl,
        deployer: ANVIL_PRIVATE_KEYS[0],
        addressesFile: join(home, 'addresses.json'),
        config: devDeployConfig,
        onProgress: ({ step, status }) => update(`${step} ${status}`),
      }),
    );
    checkpoint();
    const nodePort = parameters.nodePort ?? 8787;
    await ui.step('Distributing tokens, delegating votes and staking the node', (update) =>
      prepareAccounts(rpcUrl, addresses, `http://127.0.0.1:${nodePort}`, update),
    );
    checkpoint();
    const config = loadConfig({
      env: process.env,
      overrides: {
        home,
        port: nodePort,
        rpcUrl,
        operatorKey: DEV_NODE_KEY,
        webDir: webAppDir(),
        log: { level: (process.env.LOG_LEVEL as 'info') ?? 'warn' },
        // A local network settles every five minutes; the challenge window is ten.
        settlement: { epochSeconds: 300, maxReceipts: 10_000, pageSize: 200, pollMs: 5_000 },
        // The keeper finalizes epochs and sweeps protocol fees to the treasury.
        keeper: { pollMs: 5_000 },
      },
    });
    node = await ui.step('Starting the node', () => startNode(config));
    checkpoint();
    const running = node;
    const removeInfo = writeDevInfo(home, { rpcUrl, nodeUrl: running.url, chainId: anvil.chainId });
    let stopping: Promise<void> | null = null;
    return {
      home,
      anvil,
      node: running,
      addresses,
      resumed,
      stop() {
        stopping ??= (async () => {
          removeInfo();
          await running.stop();
          await anvil!.stop();
          releaseLock();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await node?.stop().catch(() => {});
    await anvil?.stop();
    releaseLock();
    throw error;
  }
}

/** Distributes the dev tokens once, and registers (at `endpoint`) and stakes the node once. */
async function prepareAccounts(
  rpcUrl: string,
  addresses: ProtocolAddresses,
  endpoint: string,
  onProgress: (step: string) => void,
): Promise<void> {
  await distributeDevTokens({ rpcUrl, addresses, keys: ANVIL_PRIVATE_KEYS, onProgress });
  await registerNode({
    rpcUrl,
    addresses,
    operatorKey: DEV_NODE_KEY as Hex,
    endpoint,
  });
}

/** One `tributary dev` per home: a second one would corrupt the embedded database. */
function takeLock(home: string): () => void {
  const lock = join(home, 'dev.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new TributaryError({
        code: 'DEV_ALREADY_RUNNING',
        message: `another tributary dev (pid ${pid}) is using ${home}`,
        details: ['stop it first (Ctrl-C in its terminal), or use another --home'],
      });
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}
