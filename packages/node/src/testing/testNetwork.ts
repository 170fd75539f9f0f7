/**
 * Test harness: a real Anvil with the protocol deployed, and a real node on it (in this process,
 * or as a child process for crash tests), each with its own temporary home.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ANVIL_PRIVATE_KEYS,
  createProtocolClients,
  type DeployConfig,
  freePort,
  registerNode,
  tributaryTokenAbi,
} from '@tributary/protocol';
import { startTestChain, type TestChain } from '@tributary/protocol/testing';
import { createTributaryClient, type TributaryClient } from '@tributary/sdk';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type ConfigInput, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { type RunningNode, startNode } from '../node.js';

/** Anvil key the test node operates with (the others are users). */
export const NODE_KEY = ANVIL_PRIVATE_KEYS[9];

export type TestNetwork = {
  chain: TestChain;
  home: string;
  /** Config values of the node (for restarts and child processes). */
  nodeConfig: ConfigInput;
  /** A client signing with Anvil key `i` (0 holds the token supply; 9 is the node), or with a key. */
  client(i: number | Hex): TributaryClient;
  /** A client of key `i` holding an API key (what reading one's own activity needs). */
  login(i: number | Hex): Promise<TributaryClient>;
  /** Transfers `amount` TRIB from the deployer (key 0, which holds the supply) to key `i` or an address. */
  giveTokens(i: number | Address, amount: bigint): Promise<void>;
  /** Starts the node in this process. */
  startNode(overrides?: Partial<ConfigInput>): Promise<RunningNode>;
  /** Starts the node as a child process (which `kill -9` can stop at any point). */
  spawnNode(
    env?: Record<string, string>,
  ): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }>;
  url: string;
  /** Kills the node processes still running, so a test that failed midway leaves none behind. */
  killNodes(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts a chain and prepares a node home; call `startNode` or `spawnNode` to run the node.
 *
 * @example
 * const net = await startTestNetwork();
 * const node = await net.startNode();
 */
export async function startTestNetwork(
  options: {
    databaseUrl?: string | undefined;
    deploy?: Partial<DeployConfig>;
    config?: Partial<ConfigInput>;
  } = {},
): Promise<TestNetwork> {
  const chain = await startTestChain(options.deploy);
  const home = mkdtempSync(join(tmpdir(), 'tributary-node-'));
  const addressesFile = join(home, 'addresses.json');
  writeFileSync(
    addressesFile,
    JSON.stringify({
      chainId: chain.chainId,
      deployer: chain.accounts[0],
      startBlock: '0',
      addresses: chain.addresses,
      wired: [],
    }),
  );
  const deployer = await createProtocolClients({
    rpcUrl: chain.anvil.rpcUrl,
    account: ANVIL_PRIVATE_KEYS[0],
    pollingInterval: 50,
  });
  const giveTokens = async (to: Address, amount: bigint) => {
    const hash = await deployer.walletClient.writeContract({
      address: chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'transfer',
      args: [to, amount],
    });
    await deployer.publicClient.waitForTransactionReceipt({ hash });
  };
  // The node is registered and staked, as an operator would do once.
  await giveTokens(privateKeyToAccount(NODE_KEY).address, 10n ** 24n);
  await registerNode({
    rpcUrl: chain.anvil.rpcUrl,
    addresses: chain.addresses,
    operatorKey: NODE_KEY,
    endpoint: 'http://127.0.0.1',
    ownEscrow: 100_000n * 10n ** 18n,
  });
  const databaseUrl = options.databaseUrl ? await freshPostgresDatabase(options.databaseUrl) : undefined;
  // One port for every start, so clients keep working across restarts.
  const port = await freePort();
  const nodeConfig: ConfigInput = {
    home,
    port,
    rpcUrl: chain.anvil.rpcUrl,
    addressesFile,
    operatorKey: NODE_KEY,
    ...(databaseUrl ? { databaseUrl } : {}),
    indexer: { pollIntervalMs: 100 },
    // Tests settle by hand (POST /v1/settlement/run) unless they ask for the loop.
    settlement: { pollMs: 0 },
    // …and run the keeper by hand (POST /v1/governance/keeper/run).
    keeper: { pollMs: 0 },
    log: { level: process.env.TEST_LOG_LEVEL ?? 'warn', format: 'json' } as ConfigInput['log'],
    ...options.config,
  };
  const running: RunningNode[] = [];
  const children: ChildProcess[] = [];
  const url = `http://127.0.0.1:${port}`;
  const network: TestNetwork = {
    chain,
    home,
    nodeConfig,
    get url() {
      return url;
    },
    client: (i) =>
      createTributaryClient({ url, account: typeof i === 'number' ? (ANVIL_PRIVATE_KEYS[i] as Hex) : i }),
    async login(i) {
      const client = network.client(i);
      await client.login();
      return client;
    },
    giveTokens: (i, amount) => giveTokens(typeof i === 'number' ? chain.accounts[i]! : i, amount),
    async startNode(overrides = {}) {
      const config = loadConfig({ env: {}, overrides: { ...nodeConfig, ...overrides } });
      const node = await startNode(config, createLogger(config));
      running.push(node);
      return node;
    },
    async spawnNode(env = {}) {
      const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
      const child = fork(main, [], {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          ...env,
          TRIBUTARY_CONFIG: writeConfigFile(home, nodeConfig),
          TRIBUTARY_HOME: home,
          OPERATOR_KEY: NODE_KEY,
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ? 137 : code)),
      );
      const ready = await Promise.race([
        new Promise<string>((resolve) =>
          child.once('message', (m: { ready?: string }) => resolve(m.ready ?? '')),
        ),
        exited.then((code) => {
          throw new Error(`the node process exited (${code}) before it was ready`);
        }),
      ]);
      return { child, url: ready, exited };
    },
    async killNodes() {
      const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
      await Promise.all(
        alive.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL'))),
      );
    },
    async stop() {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.allSettled(running.map((n) => n.stop()));
      await chain.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return network;
}

function writeConfigFile(home: string, config: ConfigInput): string {
  const path = join(home, 'test-config.json');
  const { home: _home, ...rest } = config;
  writeFileSync(path, JSON.stringify(rest));
  return path;
}

/** A new, empty database on the PostgreSQL server of `baseUrl` (each test network gets its own). */
async function freshPostgresDatabase(baseUrl: string): Promise<string> {
  const pg = (await import('pg')).default;
  const name = `tributary_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
