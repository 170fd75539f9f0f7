/**
 * Where protocol fees went after settlement: accrued in the reward distributor, swept to the
 * treasury, and paid from the treasury's voter-reward budget to voters — for `/v1/protocol/totals`.
 */
import { rewardDistributorAbi } from '@tributary/protocol';
import type { Context } from '../context.js';
import { rewardsContract, tokenContract } from './chainReads.js';

export async function governanceTotals(ctx: Context) {
  const { publicClient, addresses } = ctx.chain;
  const token = tokenContract(ctx);
  const rewards = rewardsContract(ctx);
  const [treasury, budget, accrued, rate, period, [swept], [paid]] = await Promise.all([
    publicClient.readContract({ ...token, functionName: 'balanceOf', args: [addresses.timelock] }),
    publicClient.readContract({ ...token, functionName: 'balanceOf', args: [addresses.governanceRewards] }),
    publicClient.readContract({
      address: addresses.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'protocolFeesAccrued',
    }),
    publicClient.readContract({ ...rewards, functionName: 'rewardPerPeriod' }),
    publicClient.readContract({ ...rewards, functionName: 'periodLength' }),
    ctx.db.query<{ amount: string; sweeps: string }>(
      'select coalesce(sum(amount), 0)::text as amount, count(*)::text as sweeps from protocol_fee_sweeps',
    ),
    ctx.db.query<{ amount: string; claims: string; voters: string }>(
      `select coalesce(sum(amount), 0)::text as amount, count(*)::text as claims, count(distinct voter)::text as voters
       from gov_voter_rewards`,
    ),
  ]);
  return {
    treasury: { address: addresses.timelock, balance: treasury.toString() },
    protocolFees: {
      /** Protocol fees of final epochs still in the reward distributor (the keeper sweeps them). */
      accrued: accrued.toString(),
      /** Swept to the treasury so far. */
      swept: swept!.amount,
      sweeps: Number(swept!.sweeps),
    },
    voterRewards: {
      /** What the voter-reward contract holds to pay voters. */
      budget: budget.toString(),
      paid: paid!.amount,
      claims: Number(paid!.claims),
      voters: Number(paid!.voters),
      rewardPerPeriod: rate.toString(),
      periodSeconds: Number(period),
    },
  };
}
