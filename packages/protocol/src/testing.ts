/**
 * Test helpers shared by the packages: a fresh Anvil with the protocol deployed.
 */
import { type Address, type Hex, keccak256, type PublicClient, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS, type AnvilInstance, startAnvil } from './anvil.js';
import { createProtocolClients, writeAndWait } from './clients.js';
import { type DeployConfig, deploy, devDeployConfig, type ProtocolAddresses } from './deploy.js';
import { tributaryGovernorAbi, tributaryTokenAbi } from './generated/contracts.js';

export type TestChain = {
  anvil: AnvilInstance;
  addresses: ProtocolAddresses;
  chainId: number;
  /** Anvil's funded dev keys; index 0 deployed the protocol and holds the token supply. */
  keys: readonly Hex[];
  accounts: readonly Address[];
  stop(): Promise<void>;
};

/**
 * Starts Anvil on a free port and deploys the protocol with dev parameters.
 *
 * @example
 * const chain = await startTestChain();
 * afterAll(() => chain.stop());
 */
export async function startTestChain(config: Partial<DeployConfig> = {}): Promise<TestChain> {
  const anvil = await startAnvil();
  try {
    const { addresses, chainId } = await deploy({
      rpcUrl: anvil.rpcUrl,
      deployer: ANVIL_PRIVATE_KEYS[0],
      config: { ...devDeployConfig, ...config },
    });
    return {
      anvil,
      addresses,
      chainId,
      keys: ANVIL_PRIVATE_KEYS,
      accounts: ANVIL_PRIVATE_KEYS.map((key) => privateKeyToAccount(key).address),
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/** Moves an Anvil chain's clock forward by `seconds` and mines a block at the new time. */
export async function increaseTime(publicClient: PublicClient, seconds: number): Promise<void> {
  await publicClient.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
  await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
}

/**
 * Passes and executes a governance proposal on a test chain: the deployer (who holds the supply)
 * delegates to itself, proposes, votes for, and time is advanced past each delay with Anvil.
 *
 * @example
 * await executeProposal(chain, [{ target: addresses.datanetRegistry, data: encodeFunctionData({ … }) }], 'ban spammer');
 */
export async function executeProposal(
  chain: TestChain,
  calls: readonly { target: Address; data: Hex; value?: bigint }[],
  description: string,
): Promise<void> {
  const deployer = await createProtocolClients({
    rpcUrl: chain.anvil.rpcUrl,
    account: ANVIL_PRIVATE_KEYS[0],
    pollingInterval: 50,
  });
  const { publicClient, account } = deployer;
  const advance = (seconds: number) => increaseTime(publicClient, seconds);
  const governor = { address: chain.addresses.governor, abi: tributaryGovernorAbi } as const;
  const delegate = await publicClient.readContract({
    address: chain.addresses.token,
    abi: tributaryTokenAbi,
    functionName: 'delegates',
    args: [account.address],
  });
  if (delegate !== account.address) {
    await writeAndWait(deployer, {
      address: chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'delegate',
      args: [account.address],
    });
    await advance(1);
  }
  const targets = calls.map((c) => c.target);
  const values = calls.map((c) => c.value ?? 0n);
  const datas = calls.map((c) => c.data);
  const descriptionHash = keccak256(toHex(description));
  const proposalId = await publicClient.readContract({
    ...governor,
    functionName: 'hashProposal',
    args: [targets, values, datas, descriptionHash],
  });
  await writeAndWait(deployer, {
    ...governor,
    functionName: 'propose',
    args: [targets, values, datas, description],
  });
  const delay = Number(await publicClient.readContract({ ...governor, functionName: 'votingDelay' }));
  await advance(delay + 1);
  await writeAndWait(deployer, { ...governor, functionName: 'castVote', args: [proposalId, 1] });
  const period = Number(await publicClient.readContract({ ...governor, functionName: 'votingPeriod' }));
  await advance(period + 1);
  await writeAndWait(deployer, {
    ...governor,
    functionName: 'queue',
    args: [targets, values, datas, descriptionHash],
  });
  const eta = await publicClient.readContract({
    ...governor,
    functionName: 'proposalEta',
    args: [proposalId],
  });
  const now = (await publicClient.getBlock()).timestamp;
  await advance(Number(eta - now) + 1);
  await writeAndWait(deployer, {
    ...governor,
    functionName: 'execute',
    args: [targets, values, datas, descriptionHash],
  });
}
