/**
 * An operator's life with the CLI on a real chain: `node register` (stake, endpoint, a separate
 * signing key's consent), `tributary node` running against the deployment, `node status` reading
 * NodeRegistry and the node's health, `node unstake` and its withdrawal after the delay.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ANVIL_PRIVATE_KEYS,
  createProtocolClients,
  freePort,
  tributaryTokenAbi,
  writeAndWait,
} from '@tributary/protocol';
import { increaseTime, startTestChain, type TestChain } from '@tributary/protocol/testing';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/devProcess.js';

const OPERATOR_KEY = ANVIL_PRIVATE_KEYS[8];
const operator = privateKeyToAccount(OPERATOR_KEY).address;
const signingKey = generatePrivateKey();

describe('tributary node register | status | unstake, and tributary node', () => {
  let chain: TestChain;
  let home: string;
  let port: number;
  let endpoint: string;
  let node: ChildProcess | undefined;
  const env = () => ({
    OPERATOR_KEY,
    RPC_URL: chain.anvil.rpcUrl,
    ADDRESSES_FILE: join(home, 'addresses.json'),
  });
  const cli = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await runCli([...args, '--json'], { ...env(), ...extraEnv });
    return { ...result, body: JSON.parse(result.stdout || '{}') };
  };

  beforeAll(async () => {
    chain = await startTestChain();
    home = mkdtempSync(join(tmpdir(), 'tributary-operator-'));
    writeFileSync(
      join(home, 'addresses.json'),
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
    });
    await writeAndWait(deployer, {
      address: chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'transfer',
      args: [operator, parseEther('5000')],
    });
    port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    node?.kill('SIGKILL');
    await chain?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('registers with a stake and a separate signing key; a second run changes nothing', async () => {
    const first = await cli([
      'node',
      'register',
      '--endpoint',
      endpoint,
      '--stake',
      '2000',
      '--signing-key',
      signingKey,
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.body.registration).toMatchObject({
      operator,
      registered: true,
      active: true,
      endpoint,
      signingKey: privateKeyToAccount(signingKey).address,
      stake: parseEther('2000').toString(),
    });
    expect(first.body.transactions.map((t: { step: string }) => t.step)).toEqual([
      'register',
      'approve stake',
      'stake',
    ]);

    const again = await cli([
      'node',
      'register',
      '--endpoint',
      endpoint,
      '--stake',
      '2000',
      '--signing-key',
      signingKey,
    ]);
    expect(again.code).toBe(0);
    expect(again.body.transactions).toEqual([]);
  });

  it('runs the node against the deployment; status finds it healthy, signing with the registered key', async () => {
    node = spawn(
      process.execPath,
      [
        '--conditions=tributary-source',
        '--import',
        'tsx',
        join(dirname(fileURLToPath(import.meta.url)), 'cli.ts'),
        'node',
        '--home',
        home,
        '--port',
        String(port),
        '--json',
      ],
      {
        env: { ...process.env, ...env(), SIGNING_KEY: signingKey, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const started = await new Promise<{ node: string; operator: string }>((resolve, reject) => {
      let out = '';
      node!.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      node!.once('exit', (code) => reject(new Error(`tributary node exited with ${code}`)));
    });
    expect(started).toEqual({ node: endpoint, operator, chainId: chain.chainId });

    const status = await cli(['node', 'status', '--node', endpoint]);
    expect(status.code, status.stdout).toBe(0);
    expect(status.body.problems).toEqual([]);
    expect(status.body.endpoint).toMatchObject({ url: endpoint, healthy: true, node: operator });
    expect(status.body.endpoint.signer).toBe(privateKeyToAccount(signingKey).address);
  });

  it('unstakes below the minimum (status exits 1), refuses an early withdrawal (exit 4), withdraws after the delay', async () => {
    const unstake = await cli(['node', 'unstake', '--amount', '1500']);
    expect(unstake.code, unstake.stdout).toBe(0);
    expect(unstake.body.amount).toBe(parseEther('1500').toString());

    const status = await cli(['node', 'status', '--operator', operator]);
    expect(status.code).toBe(1);
    expect(status.body.problems).toEqual(['the stake is below the minimum: the node is not active']);
    expect(status.body.registration.unstaking).toBe(parseEther('1500').toString());

    const early = await cli(['node', 'unstake', '--withdraw']);
    expect(early.code).toBe(4);
    expect(early.body.error.code).toBe('CHAIN_REVERTED');
    expect(JSON.stringify(early.body.error)).toContain('NodeUnstakeLocked');

    const { publicClient } = await createProtocolClients({
      rpcUrl: chain.anvil.rpcUrl,
      account: OPERATOR_KEY,
    });
    await increaseTime(publicClient, 601);
    const withdrawn = await cli(['node', 'unstake', '--withdraw']);
    expect(withdrawn.code, withdrawn.stdout).toBe(0);
    expect(withdrawn.body.amount).toBe(parseEther('1500').toString());
  });

  it('reports a registered endpoint that does not answer (exit 1)', async () => {
    node!.kill('SIGTERM');
    await new Promise((resolve) => node!.once('exit', resolve));
    const status = await cli(['node', 'status', '--operator', operator]);
    expect(status.code).toBe(1);
    expect(status.body.endpoint.healthy).toBe(false);
    expect(status.body.problems).toContain(`the endpoint ${endpoint} does not answer`);
  });
});
