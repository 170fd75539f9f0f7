/**
 * The local network behind `tributary dev`: Anvil with its state under `<home>/chain`, the
 * protocol deployed once (addresses in `<home>/addresses.json`), dev accounts funded, this
 * node registered and staked, and the node serving on top. Every step checks what exists first,
 * so a second start resumes the same chain, database and files.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type RunningNode, startNode } from '@tributary/node';
import {
  ANVIL_PRIVATE_KEYS,
  type AnvilInstance,
  createProtocolClients,
  deploy,
  devDeployConfig,
  type ProtocolAddresses,
  registerNode,
  startAnvil,
  TributaryError,
  tributaryTokenAbi,
  writeAndWait,
} from '@tributary/protocol';
import { type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Ui } from './ui.js';
import { webAppDir } from './webApp.js';

/** Dev account 9 operates the node (and signs its receipts). */
export const DEV_NODE_KEY = ANVIL_PRIVATE_KEYS[9];
/** Tokens each dev account gets once. */
export const DEV_ACCOUNT_TOKENS = parseEther('100000');

export type StartDevNetworkParameters = {
  home?: string;
  chainPort?: number;
  nodePort?: number;
  ui: Ui;
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
  const { ui } = parameters;
  const home = resolve(parameters.home ?? '.tributary');
  mkdirSync(join(home, 'chain'), { recursive: true });
  const releaseLock = takeLock(home);
  let anvil: AnvilInstance | undefined;
  try {
    const stateFile = join(home, 'chain', 'state.json');
    const resumed = existsSync(stateFile);
    anvil = await ui.step(
      resumed ? 'Resuming the local chain (Anvil)' : 'Starting a local chain (Anvil)',
      () => startAnvil({ port: parameters.chainPort ?? 8545, stateFile, stateInterval: 1 }),
    );
    const rpcUrl = anvil.rpcUrl;
    const { addresses } = await ui.step('Deploying the protocol contracts', (update) =>
      deploy({
        rpcUrl,
        deployer: ANVIL_PRIVATE_KEYS[0],
        addressesFile: join(home, 'addresses.json'),
        config: devDeployConfig,
        onProgress: ({ step, status }) => update(`${step} ${status}`),
      }),
    );
    const nodePort = parameters.nodePort ?? 8787;
    await ui.step('Funding dev accounts and staking the node', () =>
      prepareAccounts(rpcUrl, addresses, `http://127.0.0.1:${nodePort}`),
    );
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
      },
    });
    const node = await ui.step('Starting the node', () => startNode(config));
    let stopping: Promise<void> | null = null;
    return {
      home,
      anvil,
      node,
      addresses,
      resumed,
      stop() {
        stopping ??= (async () => {
          await node.stop();
          await anvil!.stop();
          releaseLock();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await anvil?.stop();
    releaseLock();
    throw error;
  }
}

/** Gives every dev account tokens once, and registers (at `endpoint`) and stakes the node once. */
async function prepareAccounts(
  rpcUrl: string,
  addresses: ProtocolAddresses,
  endpoint: string,
): Promise<void> {
  const deployer = await createProtocolClients({
    rpcUrl,
    account: ANVIL_PRIVATE_KEYS[0],
    pollingInterval: 50,
  });
  const token = { address: addresses.token, abi: tributaryTokenAbi } as const;
  for (const key of ANVIL_PRIVATE_KEYS.slice(1)) {
    const account = privateKeyToAccount(key).address;
    const balance = await deployer.publicClient.readContract({
      ...token,
      functionName: 'balanceOf',
      args: [account],
    });
    if (balance > 0n) continue;
    await writeAndWait(deployer, { ...token, functionName: 'transfer', args: [account, DEV_ACCOUNT_TOKENS] });
  }
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
