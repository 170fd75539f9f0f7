/**
 * A model version's calls and payouts, from the receipts of the node that serves it: fees and
 * how they split, by epoch status (settled on-chain, pending, voided), per epoch with its
 * settlement transaction, and the attributed data shares per contributor.
 */
import type { LineageAmounts, LineageUsage } from '@tributary/protocol';
import { getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { chainRef, eventsWhere } from './chainRefs.js';

const SETTLED = ['settled', 'claimable'];

export async function lineageUsage(ctx: Context, modelId: string, version: number): Promise<LineageUsage> {
  const [totals] = await ctx.db.query<Record<string, string>>(
    `select count(*)::text as calls, coalesce(sum(input_tokens), 0)::text as input_tokens,
       coalesce(sum(output_tokens), 0)::text as output_tokens, coalesce(sum(fee), 0)::text as fees,
       coalesce(sum((receipt->'split'->>'protocol')::numeric), 0)::text as protocol,
       coalesce(sum((receipt->'split'->>'compute')::numeric), 0)::text as compute,
       coalesce(sum((receipt->'split'->>'developer')::numeric), 0)::text as developer,
       coalesce(sum((receipt->'attribution'->>'pool')::numeric), 0)::text as pool
     from receipts where model_id = $1 and model_version = $2`,
    [modelId, version],
  );
  const epochs = await ctx.db.query<{ epoch: string; status: string; calls: string; fees: string }>(
    `select r.epoch::text as epoch, e.status, count(*)::text as calls, sum(r.fee)::text as fees
     from receipts r join epochs e on e.epoch = r.epoch
     where r.model_id = $1 and r.model_version = $2 group by r.epoch, e.status order by r.epoch`,
    [modelId, version],
  );
  const contributors = await ctx.db.query<{ contributor: string; calls: string; amount: string }>(
    `select c.contributor, count(distinct c.receipt_id)::text as calls, sum(c.amount)::text as amount
     from receipt_contributions c join receipts r on r.id = c.receipt_id
     where r.model_id = $1 and r.model_version = $2 group by c.contributor order by sum(c.amount) desc, c.contributor`,
    [modelId, version],
  );
  const settledEvents = await eventsWhere(ctx.db, 'rewardDistributor', ['EpochSettled'], {
    node: addressKey(ctx.chain.operator.address),
  });
  const settledTx = new Map(settledEvents.map((e) => [String(e.args.epoch), chainRef(e)]));
  const sum = (statuses: (status: string) => boolean): LineageAmounts => {
    const rows = epochs.filter((e) => statuses(e.status));
    return {
      calls: rows.reduce((n, e) => n + Number(e.calls), 0),
      fees: rows.reduce((n, e) => n + BigInt(e.fees), 0n).toString(),
    };
  };
  const attributed = contributors.reduce((n, c) => n + BigInt(c.amount), 0n);
  return {
    calls: Number(totals!.calls),
    inputTokens: Number(totals!.input_tokens),
    outputTokens: Number(totals!.output_tokens),
    fees: totals!.fees!,
    shares: {
      protocol: totals!.protocol!,
      compute: totals!.compute!,
      developer: totals!.developer!,
      dataAttributed: attributed.toString(),
      dataPool: totals!.pool!,
    },
    byEpochStatus: {
      settled: sum((s) => SETTLED.includes(s)),
      pending: sum((s) => !SETTLED.includes(s) && s !== 'voided'),
      voided: sum((s) => s === 'voided'),
    },
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      status: e.status,
      calls: Number(e.calls),
      fees: e.fees,
      settled: settledTx.get(e.epoch) ?? null,
    })),
    contributors: contributors.map((c) => ({
      contributor: getAddress(c.contributor),
      calls: Number(c.calls),
      amount: c.amount,
    })),
  };
}
