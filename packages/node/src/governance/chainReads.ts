/**
 * What only the chain knows about governance now: proposal states and tallies (they depend on the
 * clock), settings, balances, delegations and voter rewards pending.
 */
import {
  governanceRewardsAbi,
  PROPOSAL_STATES,
  type ProposalStateName,
  tributaryGovernorAbi,
  tributaryTimelockAbi,
  tributaryTokenAbi,
} from '@tributary/protocol';
import type { Address } from 'viem';
import type { Context } from '../context.js';

export const governorContract = (ctx: Context) =>
  ({ address: ctx.chain.addresses.governor, abi: tributaryGovernorAbi }) as const;
export const rewardsContract = (ctx: Context) =>
  ({ address: ctx.chain.addresses.governanceRewards, abi: governanceRewardsAbi }) as const;
export const tokenContract = (ctx: Context) =>
  ({ address: ctx.chain.addresses.token, abi: tributaryTokenAbi }) as const;

/** The chain's clock (the latest block's timestamp): `tributary dev time` moves it ahead of the wall clock. */
export async function chainNow(ctx: Context): Promise<number> {
  return Number((await ctx.chain.publicClient.getBlock({ blockTag: 'latest' })).timestamp);
}

export type ProposalChainState = {
  state: ProposalStateName;
  tally: { for: string; against: string; abstain: string };
  quorum: string;
};

/** State, tally and quorum of a proposal, from the governor. */
export async function readProposalState(
  ctx: Context,
  id: bigint,
  voteStart: bigint,
): Promise<ProposalChainState> {
  const { publicClient } = ctx.chain;
  const governor = governorContract(ctx);
  const [state, votes, quorum] = await Promise.all([
    publicClient.readContract({ ...governor, functionName: 'state', args: [id] }),
    publicClient.readContract({ ...governor, functionName: 'proposalVotes', args: [id] }),
    publicClient.readContract({ ...governor, functionName: 'quorum', args: [voteStart] }).catch(() => 0n),
  ]);
  const [against, forVotes, abstain] = votes;
  return {
    state: PROPOSAL_STATES[state] ?? 'Pending',
    tally: { for: forVotes.toString(), against: against.toString(), abstain: abstain.toString() },
    quorum: quorum.toString(),
  };
}

/** The governance settings, the treasury and the voter-reward budget. */
export async function readGovernanceParameters(ctx: Context) {
  const { publicClient, addresses } = ctx.chain;
  const governor = governorContract(ctx);
  const rewards = rewardsContract(ctx);
  const token = tokenContract(ctx);
  const now = await chainNow(ctx);
  const r = <T>(p: Promise<T>) => p;
  const [clockMode, votingDelay, votingPeriod, threshold, quorumPercent, quorum, timelockDelay] =
    await Promise.all([
      r(publicClient.readContract({ ...governor, functionName: 'CLOCK_MODE' })),
      r(publicClient.readContract({ ...governor, functionName: 'votingDelay' })),
      r(publicClient.readContract({ ...governor, functionName: 'votingPeriod' })),
      r(publicClient.readContract({ ...governor, functionName: 'proposalThreshold' })),
      r(publicClient.readContract({ ...governor, functionName: 'quorumNumerator' })),
      r(publicClient.readContract({ ...governor, functionName: 'quorum', args: [BigInt(now - 1)] })),
      r(
        publicClient.readContract({
          address: addresses.timelock,
          abi: tributaryTimelockAbi,
          functionName: 'getMinDelay',
        }),
      ),
    ]);
  const [treasury, budget, rate, periodSeconds, startsAt, totalPaid] = await Promise.all([
    publicClient.readContract({ ...token, functionName: 'balanceOf', args: [addresses.timelock] }),
    publicClient.readContract({ ...token, functionName: 'balanceOf', args: [addresses.governanceRewards] }),
    publicClient.readContract({ ...rewards, functionName: 'rewardPerPeriod' }),
    publicClient.readContract({ ...rewards, functionName: 'periodLength' }),
    publicClient.readContract({ ...rewards, functionName: 'startTimepoint' }),
    publicClient.readContract({ ...rewards, functionName: 'totalPaid' }),
  ]);
  return {
    clockMode,
    votingDelay: Number(votingDelay),
    votingPeriod: Number(votingPeriod),
    proposalThreshold: threshold.toString(),
    quorumPercent: quorumPercent.toString(),
    quorum: quorum.toString(),
    timelockDelay: Number(timelockDelay),
    treasury: { address: addresses.timelock, balance: treasury.toString() },
    voterRewards: {
      address: addresses.governanceRewards,
      budget: budget.toString(),
      rewardPerPeriod: rate.toString(),
      periodSeconds: Number(periodSeconds),
      startsAt: Number(startsAt),
      totalPaid: totalPaid.toString(),
    },
    governor: addresses.governor,
    token: addresses.token,
  };
}

/** Balance, voting power and delegate of an account. */
export async function readVotingPower(ctx: Context, account: Address) {
  const { publicClient } = ctx.chain;
  const token = tokenContract(ctx);
  const [balance, votes, delegate] = await Promise.all([
    publicClient.readContract({ ...token, functionName: 'balanceOf', args: [account] }),
    publicClient.readContract({ ...token, functionName: 'getVotes', args: [account] }),
    publicClient.readContract({ ...token, functionName: 'delegates', args: [account] }),
  ]);
  return { balance, votes, delegate: /^0x0{40}$/.test(delegate) ? null : delegate };
}
