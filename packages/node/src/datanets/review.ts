/**
 * Curation: the owner or a curator accepts or rejects a pending contribution. An accepted one is
 * indexed at once; a rejected one's content is deleted. A posted bond is returned on acceptance
 * and, on rejection, returned or moved to forfeit as the curator decides: the rejected content is
 * the evidence (kept while the contributor may appeal), and a forfeit goes to the protocol
 * treasury, never to the owner.
 */
import { datanetRegistryAbi } from '@tributary/protocol';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import { sendTransaction } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { conflict } from '../errors.js';
import {
  type ContributionRow,
  type ContributionView,
  contributionColumns,
  contributionView,
  getContributionRow,
} from './contributionQueries.js';
import { getDatanet, requireCurator } from './datanetQueries.js';
import { scheduleIndexing } from './indexContributions.js';

export type ReviewParameters = {
  contributionId: string;
  reviewer: Address;
  decision: 'accept' | 'reject';
  /** On rejection, move to forfeit the contributor's bond to the treasury (spam, abuse). */
  forfeitBond?: boolean;
};

/** Records a curator's decision on a pending contribution. */
export async function reviewContribution(
  ctx: Context,
  parameters: ReviewParameters,
): Promise<ContributionView> {
  const { contributionId, reviewer, decision } = parameters;
  const current = await getContributionRow(ctx.db, contributionId);
  const datanet = await getDatanet(ctx, current.datanet_id);
  requireCurator(datanet, reviewer);
  const status = decision === 'accept' ? 'accepted' : 'rejected';
  const [row] = await ctx.db.query<ContributionRow>(
    `update contributions set status = $2, decided_at = now(), decided_by = $3
     where id = $1 and status = 'pending' returning ${contributionColumns}`,
    [contributionId, status, addressKey(reviewer)],
  );
  if (!row) {
    if (current.status === status) return contributionView(current); // the same decision again
    throw conflict('NOT_PENDING', `contribution ${contributionId} is ${current.status}, not pending`);
  }
  const bonded = BigInt(datanet.policy.contributionBond) > 0n;
  const forfeit = status === 'rejected' && parameters.forfeitBond === true;
  if (status === 'accepted') scheduleIndexing(ctx, datanet.id);
  else if (!(bonded && forfeit)) await deleteContentIfUnused(ctx, row.content_hash); // else: evidence

  if (bonded) {
    const contentHash = `0x${row.content_hash}` as const;
    const [held] = await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'bondOf',
      args: [BigInt(datanet.id), row.contributor as Address, contentHash],
    });
    if (held > 0n) {
      const common = { address: ctx.chain.addresses.datanetRegistry, abi: datanetRegistryAbi } as const;
      const bond = [BigInt(datanet.id), row.contributor as Address, contentHash] as const;
      await sendTransaction(
        ctx,
        forfeit
          ? {
              ...common,
              purpose: `forfeitBond:${datanet.id}:${row.id}`,
              functionName: 'forfeitBond',
              args: [...bond, contentHash], // the evidence: the rejected content itself
            }
          : {
              ...common,
              purpose: `releaseBond:${datanet.id}:${row.id}`,
              functionName: 'releaseBond',
              args: bond,
            },
      );
    }
  }
  return contributionView(row); // indexing and the bond change nothing the view shows
}

/** Deletes a blob unless a contribution that still needs it (not rejected or removed) refers to it. */
export async function deleteContentIfUnused(ctx: Context, contentHash: string): Promise<void> {
  const users = await ctx.db.query(
    "select 1 from contributions where content_hash = $1 and status in ('pending', 'accepted') limit 1",
    [contentHash],
  );
  if (users.length === 0) await ctx.blobs.delete(contentHash);
}
