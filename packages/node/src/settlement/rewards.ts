/**
 * What an account can claim from this node: its cumulative credit in the newest final epoch with
 * the Merkle proof `RewardDistributor.claim` needs, what it already claimed, and what is still in
 * the challenge window.
 */
import {
  buildCreditsTree,
  type CreditEntry,
  type ProtocolTree,
  type RewardsView,
  rewardDistributorAbi,
} from '@tributary/protocol';
import { type Address, getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';

export type { RewardsView };

const trees = new WeakMap<Context, Map<string, ProtocolTree<CreditEntry>>>();

/** The credits tree of a built epoch (cached). */
export async function creditsTree(ctx: Context, epoch: bigint): Promise<ProtocolTree<CreditEntry>> {
  let cache = trees.get(ctx);
  if (!cache) {
    cache = new Map();
    trees.set(ctx, cache);
  }
  const key = epoch.toString();
  let tree = cache.get(key);
  if (!tree) {
    const rows = await ctx.db.query<{ account: string; cumulative: string }>(
      'select account, cumulative::text as cumulative from epoch_credits where epoch = $1',
      [epoch],
    );
    tree = buildCreditsTree(
      rows.map((r) => ({ account: getAddress(r.account), cumulativeAmount: BigInt(r.cumulative) })),
    );
    cache.set(key, tree);
  }
  return tree;
}

/** The rewards of `account` from this node. */
export async function rewardsOf(ctx: Context, account: Address): Promise<RewardsView> {
  const node = ctx.chain.operator.address;
  // Read from the chain: a claim made a moment ago must not be offered again.
  const claimed = await ctx.chain.publicClient.readContract({
    address: ctx.chain.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'claimed',
    args: [node, account],
  });
  const now = (await ctx.chain.publicClient.getBlock({ blockTag: 'latest' })).timestamp;
  const state = await ctx.chain.publicClient.readContract({
    address: ctx.chain.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'getNodeState',
    args: [node],
  });
  const epochs = await ctx.db.query<{
    epoch: bigint;
    status: string;
    claimable_at: bigint | null;
    cumulative: string;
  }>(
    `select c.epoch, c.status, c.claimable_at, ec.cumulative::text as cumulative
     from chain_epochs c join epoch_credits ec on ec.epoch = c.epoch and ec.account = $2
     where c.node = $1 and c.status in ('settled', 'challenged') order by c.epoch desc`,
    [addressKey(node), addressKey(account)],
  );
  const final = epochs.find(
    (e) =>
      e.status === 'settled' &&
      e.claimable_at !== null &&
      BigInt(e.claimable_at) <= now &&
      (state.openChallenges === 0 || e.epoch < state.frozenFrom),
  );
  const newest = epochs[0];
  let claimable: RewardsView['claimable'] = null;
  if (final && BigInt(final.cumulative) > claimed) {
    const cumulativeAmount = BigInt(final.cumulative);
    const tree = await creditsTree(ctx, final.epoch);
    claimable = {
      epoch: final.epoch.toString(),
      cumulativeAmount: cumulativeAmount.toString(),
      amount: (cumulativeAmount - claimed).toString(),
      proof: tree.proof({ account: getAddress(account), cumulativeAmount }),
    };
  }
  return {
    node,
    account: getAddress(account),
    claimed: claimed.toString(),
    claimable,
    pending:
      newest && newest !== final
        ? { epoch: newest.epoch.toString(), cumulativeAmount: newest.cumulative }
        : null,
  };
}
