/**
 * The token distribution of a local network, made for trying governance: dev accounts 1–8 hold
 * 15M each (1.5% of the supply) and vote from the start (each delegated to itself), so any three
 * of them reach the 4% quorum and no two do; the voter-reward budget is funded; the treasury (the
 * timelock) holds the rest, as it would on a real network. Idempotent: a step already done (or
 * changed since by the user) is left alone.
 */
import { type Address, type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createProtocolClients, writeAndWait } from '../clients.js';
import type { ProtocolAddresses } from '../deploy.js';
import { governanceRewardsAbi, tributaryTokenAbi } from '../generated/contracts.js';

export const DEV_DISTRIBUTION = {
  /** Each voter account (Anvil keys 1–8). */
  voter: parseEther('15000000'),
  /** The deployer (key 0) and the node operator (key 9): enough to stake and pay for calls. */
  other: parseEther('100000'),
  /** The voter-reward budget. */
  voterRewardBudget: parseEther('1000000'),
} as const;

export type DistributeDevTokensParameters = {
  rpcUrl: string;
  addresses: ProtocolAddresses;
  /** Anvil's dev keys: [0] deployed the protocol and holds the supply; [1..8] vote; [9] runs the node. */
  keys: readonly Hex[];
  onProgress?: (step: string) => void;
};

/**
 * Distributes the supply the deployer holds (once) and delegates the voters to themselves.
 *
 * @example
 * await distributeDevTokens({ rpcUrl, addresses, keys: ANVIL_PRIVATE_KEYS });
 */
export async function distributeDevTokens(p: DistributeDevTokensParameters): Promise<void> {
  const progress = p.onProgress ?? (() => {});
  const deployer = await createProtocolClients({
    rpcUrl: p.rpcUrl,
    account: p.keys[0]!,
    pollingInterval: 50,
  });
  const token = { address: p.addresses.token, abi: tributaryTokenAbi } as const;
  const balanceOf = (account: Address) =>
    deployer.publicClient.readContract({ ...token, functionName: 'balanceOf', args: [account] });
  const transfer = (to: Address, amount: bigint) =>
    writeAndWait(deployer, { ...token, functionName: 'transfer', args: [to, amount] });

  for (const [i, key] of p.keys.entries()) {
    if (i === 0) continue;
    const account = privateKeyToAccount(key).address;
    if ((await balanceOf(account)) > 0n) continue;
    await transfer(account, i <= 8 ? DEV_DISTRIBUTION.voter : DEV_DISTRIBUTION.other);
    progress(`account ${i} funded`);
  }
  for (const [i, key] of p.keys.entries()) {
    if (i > 8) continue;
    const voter = await createProtocolClients({ rpcUrl: p.rpcUrl, account: key, pollingInterval: 50 });
    const current = await voter.publicClient.readContract({
      ...token,
      functionName: 'delegates',
      args: [voter.account.address],
    });
    if (!/^0x0{40}$/i.test(current)) continue;
    await writeAndWait(voter, { ...token, functionName: 'delegate', args: [voter.account.address] });
    progress(`account ${i} delegated`);
  }
  const paid = await deployer.publicClient.readContract({
    address: p.addresses.governanceRewards,
    abi: governanceRewardsAbi,
    functionName: 'totalPaid',
  });
  if (paid === 0n && (await balanceOf(p.addresses.governanceRewards)) === 0n) {
    await transfer(p.addresses.governanceRewards, DEV_DISTRIBUTION.voterRewardBudget);
    progress('voter-reward budget funded');
  }
  if ((await balanceOf(p.addresses.timelock)) === 0n) {
    const rest = (await balanceOf(deployer.account.address)) - DEV_DISTRIBUTION.other;
    if (rest > 0n) await transfer(p.addresses.timelock, rest);
    progress('treasury funded');
  }
}
