/**
 * An account's part in governance: its tokens, voting power and delegate, the votes it cast, and
 * its voter rewards — claimable now (one per reward period, through the proposal that pays most),
 * upcoming (period not over yet) and claimed.
 */
import type { GovernanceAccountView } from '@tributary/protocol';
import { voteChoice } from '@tributary/protocol';
import { type Address, getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { chainNow, governorContract, readVotingPower, rewardsContract } from './chainReads.js';

type VoteRow = { proposal_id: string; support: number; weight: string };

/** The governance view of `account`. */
export async function governanceAccount(ctx: Context, account: Address): Promise<GovernanceAccountView> {
  const key = addressKey(account);
  const { publicClient } = ctx.chain;
  const rewards = rewardsContract(ctx);
  const [power, threshold, now, votes, claimed] = await Promise.all([
    readVotingPower(ctx, account),
    publicClient.readContract({ ...governorContract(ctx), functionName: 'proposalThreshold' }),
    chainNow(ctx),
    ctx.db.query<VoteRow>(
      `select proposal_id::text as proposal_id, support, weight::text as weight from gov_votes
       where voter = $1 order by block_number desc`,
      [key],
    ),
    ctx.db.query<{ proposal_id: string; period: string; amount: string; paid_at: Date }>(
      `select proposal_id::text as proposal_id, period::text as period, amount::text as amount, paid_at
       from gov_voter_rewards where voter = $1 order by period`,
      [key],
    ),
  ]);
  // Each vote belongs to a reward period; a period pays once, so keep the best proposal of each.
  const paidPeriods = new Set(claimed.map((c) => c.period));
  const byPeriod = new Map<string, { proposalId: string; amount: bigint; endsAt: number }>();
  for (const vote of votes) {
    const [period, endsAt] = await publicClient.readContract({
      ...rewards,
      functionName: 'periodOf',
      args: [BigInt(vote.proposal_id)],
    });
    const p = period.toString();
    if (paidPeriods.has(p)) continue;
    const amount =
      Number(endsAt) <= now
        ? await publicClient.readContract({
            ...rewards,
            functionName: 'pendingReward',
            args: [BigInt(vote.proposal_id), account],
          })
        : 0n;
    const best = byPeriod.get(p);
    if (!best || amount > best.amount)
      byPeriod.set(p, { proposalId: vote.proposal_id, amount, endsAt: Number(endsAt) });
  }
  const entries = [...byPeriod.entries()].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const claimable = entries
    .filter(([, e]) => e.endsAt <= now && e.amount > 0n)
    .map(([period, e]) => ({ proposalId: e.proposalId, period, amount: e.amount.toString() }));
  return {
    account: getAddress(account),
    balance: power.balance.toString(),
    votes: power.votes.toString(),
    delegate: power.delegate,
    proposalThreshold: threshold.toString(),
    canPropose: power.votes >= threshold,
    votesCast: votes.map((v) => ({
      proposalId: v.proposal_id,
      support: voteChoice(v.support),
      weight: v.weight,
    })),
    rewards: {
      claimable,
      claimableTotal: claimable.reduce((s, c) => s + BigInt(c.amount), 0n).toString(),
      upcoming: entries
        .filter(([, e]) => e.endsAt > now)
        .map(([period, e]) => ({ proposalId: e.proposalId, period, opensAt: e.endsAt })),
      claimed: claimed.map((c) => ({
        proposalId: c.proposal_id,
        period: c.period,
        amount: c.amount,
        paidAt: c.paid_at.toISOString(),
      })),
      claimedTotal: claimed.reduce((s, c) => s + BigInt(c.amount), 0n).toString(),
    },
  };
}
