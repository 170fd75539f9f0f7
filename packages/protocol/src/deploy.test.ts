import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { ANVIL_PRIVATE_KEYS, type AnvilInstance, startAnvil } from './anvil.js';
import { type DeploymentRecord, type DeployParameters, deploy, devDeployConfig } from './deploy.js';
import { DeploymentError } from './errors.js';
import {
  nodeRegistryAbi,
  paymentEscrowAbi,
  tributaryTimelockAbi,
  tributaryTokenAbi,
} from './generated/contracts.js';

describe('deploy', () => {
  const anvils: AnvilInstance[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(anvils.splice(0).map((a) => a.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async () => {
    const anvil = await startAnvil();
    anvils.push(anvil);
    const dir = mkdtempSync(join(tmpdir(), 'tributary-deploy-'));
    dirs.push(dir);
    return { anvil, file: join(dir, 'addresses.json') };
  };
  const deployer = ANVIL_PRIVATE_KEYS[0];
  const deployerAddress = privateKeyToAccount(deployer).address;
  const deployTo = (rpcUrl: string, file: string, extra: Partial<DeployParameters> = {}) =>
    deploy({ rpcUrl, deployer, addressesFile: file, config: devDeployConfig, ...extra });

  it('deploys, wires governance, and records addresses', async () => {
    const { anvil, file } = await fresh();
    const { addresses, reused } = await deployTo(anvil.rpcUrl, file);
    expect(reused).toBe(false);
    const record = JSON.parse(readFileSync(file, 'utf8')) as DeploymentRecord;
    expect(record.addresses).toEqual(addresses);
    expect(record.chainId).toBe(31337);

    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const read = client.readContract;
    expect(
      await read({ address: addresses.paymentEscrow, abi: paymentEscrowAbi, functionName: 'distributor' }),
    ).toBe(addresses.rewardDistributor);
    expect(
      await read({ address: addresses.nodeRegistry, abi: nodeRegistryAbi, functionName: 'settlement' }),
    ).toBe(addresses.rewardDistributor);
    const admin = await read({
      address: addresses.timelock,
      abi: tributaryTimelockAbi,
      functionName: 'DEFAULT_ADMIN_ROLE',
    });
    expect(
      await read({
        address: addresses.timelock,
        abi: tributaryTimelockAbi,
        functionName: 'hasRole',
        args: [admin, deployerAddress],
      }),
    ).toBe(false);
    expect(
      await read({ address: addresses.token, abi: tributaryTokenAbi, functionName: 'totalSupply' }),
    ).toBe(devDeployConfig.totalSupply);
  });

  it('is idempotent: a second run reuses everything and sends no transaction', async () => {
    const { anvil, file } = await fresh();
    const first = await deployTo(anvil.rpcUrl, file);
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const nonce = await client.getTransactionCount({ address: deployerAddress });
    const steps: string[] = [];
    const second = await deployTo(anvil.rpcUrl, file, { onProgress: (e) => steps.push(e.status) });
    expect(second.addresses).toEqual(first.addresses);
    expect(second.reused).toBe(true);
    expect(steps.every((s) => s === 'reused' || s === 'skipped')).toBe(true);
    expect(await client.getTransactionCount({ address: deployerAddress })).toBe(nonce);
  });

  it('redeploys what a reset chain lost', async () => {
    const { anvil, file } = await fresh();
    const first = await deployTo(anvil.rpcUrl, file);
    await anvil.stop();
    const reset = await startAnvil({ port: anvil.port });
    anvils.push(reset);
    // The same deployer nonces give the same addresses, but the code is new.
    const again = await deployTo(reset.rpcUrl, file);
    expect(again.reused).toBe(false);
    expect(again.addresses.token).toBe(first.addresses.token);
    const code = await createPublicClient({ transport: http(reset.rpcUrl) }).getCode({
      address: again.addresses.governanceRewards,
    });
    expect(code?.length).toBeGreaterThan(2);
  });

  it('refuses an addresses file from another chain', async () => {
    const { anvil, file } = await fresh();
    await deployTo(anvil.rpcUrl, file);
    const other = await startAnvil({ chainId: 4242 });
    anvils.push(other);
    await expect(deployTo(other.rpcUrl, file)).rejects.toSatisfy(
      (e: unknown) => e instanceof DeploymentError && e.code === 'DEPLOYMENT_WRONG_CHAIN',
    );
  });

  it('fails loudly rather than keep an escrow wired to another distributor', async () => {
    const { anvil, file } = await fresh();
    await deployTo(anvil.rpcUrl, file);
    // A record that lost the distributor: a new one is deployed, but the escrow's is set once only.
    const record = JSON.parse(readFileSync(file, 'utf8')) as DeploymentRecord;
    delete record.addresses.rewardDistributor;
    writeFileSync(file, JSON.stringify(record));
    await expect(deployTo(anvil.rpcUrl, file)).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof DeploymentError &&
        e.code === 'DEPLOYMENT_FAILED' &&
        e.message.includes('escrow distributor'),
    );
  });
});
