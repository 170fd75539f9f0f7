/**
 * The protocol fee rate receipts are priced with, from indexed state: RewardDistributor's latest
 * `ParametersSet` event the indexer committed (kept per indexed block, so a governance change
 * applies as soon as it is indexed). Serving never reads the chain for it: during a chain outage
 * calls go on at the last indexed rate, and the contract accepts the previous rate for a grace
 * period after a change. Only a node whose indexed history lacks the event (a deployment record
 * starting after the distributor's deployment) reads the rate from the chain, once.
 */
import { rewardDistributorAbi } from '@tributary/protocol';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { unavailable } from '../errors.js';

/** The protocol fee rate (basis points) as of the last indexed block. */
export function protocolFeeBps(ctx: Context): Promise<number> {
  const block = ctx.indexer.indexedBlock();
  const cached = ctx.serving.protocolFee;
  if (cached && cached.block === block) return cached.bps;
  const bps = indexedRate(ctx).then((rate) => rate ?? rateAtStart(ctx, cached));
  ctx.serving.protocolFee = { block, bps };
  bps.catch(() => {
    if (ctx.serving.protocolFee?.bps === bps) ctx.serving.protocolFee = cached;
  });
  return bps;
}

async function indexedRate(ctx: Context): Promise<number | null> {
  const [row] = await ctx.db.query<{ bps: number }>(
    `select (args->>'protocolFeeBps')::int as bps from chain_events
     where event_name = 'ParametersSet' and address = $1
     order by block_number desc, log_index desc limit 1`,
    [addressKey(ctx.chain.addresses.rewardDistributor)],
  );
  return row?.bps ?? null;
}

/** Without an indexed event: the rate read once from the chain, kept for the node's life. */
async function rateAtStart(ctx: Context, cached: Context['serving']['protocolFee']): Promise<number> {
  if (cached) return cached.bps;
  try {
    return await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'protocolFeeBps',
    });
  } catch (cause) {
    throw unavailable('the protocol fee rate is not known yet', ['retry once the chain is reachable'], cause);
  }
}
