/**
 * The protocol fee rate receipts are priced with: RewardDistributor's current `protocolFeeBps`,
 * read from the chain and kept for a few seconds (governance changes it rarely, with a grace).
 */
import { rewardDistributorAbi } from '@tributary/protocol';
import type { Context } from '../context.js';

const cache = new WeakMap<Context, { value: number; at: number }>();

export async function protocolFeeBps(ctx: Context): Promise<number> {
  const cached = cache.get(ctx);
  if (cached && Date.now() - cached.at < 10_000) return cached.value;
  const value = await ctx.chain.publicClient.readContract({
    address: ctx.chain.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'protocolFeeBps',
  });
  cache.set(ctx, { value, at: Date.now() });
  return value;
}
