/**
 * Takedowns: the owner, a curator or the contributor removes a contribution. Its content is
 * deleted and excluded from the index at once; if a committed version held it, the removal is
 * recorded on-chain (ContributionRemoved, with a reason code) and a new version without it is
 * committed. The history keeps that it existed and was removed. Every step is idempotent, so a
 * restart completes a takedown that a crash interrupted.
 */
import { datanetRegistryAbi, RemovalReason } from '@tributary/protocol';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import { sendTransaction } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { forbidden } from '../errors.js';
import { preserveEvidence } from '../models/evidence/receiptEvidence.js';
import { noteTakedown } from '../models/servingRuntime.js';
import {
  type ContributionRow,
  type ContributionView,
  contributionColumns,
  contributionView,
  getContributionRow,
} from './contributionQueries.js';
import { canCurate, getDatanet, requireNodeIsCurator } from './datanetQueries.js';
import { withIndexLock } from './indexContributions.js';
import { deleteContentIfUnused } from './review.js';
import { commitAfterTakedown, type VersionView } from './versions.js';

export type TakedownParameters = {
  contributionId: string;
  requester: Address;
  /** A RemovalReason code (1 contributor request … 6 other). */
  reason: number;
};

export type TakedownReturnType = { contribution: ContributionView; version: VersionView | null };

/**
 * Takes a contribution down.
 *
 * @example
 * const { version } = await takedown(ctx, { contributionId: '7', requester: owner, reason: RemovalReason.Copyright });
 */
export async function takedown(
  ctx: Context,
  { contributionId, requester, reason }: TakedownParameters,
): Promise<TakedownReturnType> {
  const row = await getContributionRow(ctx.db, contributionId);
  const datanet = await getDatanet(ctx, row.datanet_id);
  const isContributor = addressKey(row.contributor) === addressKey(requester);
  if (!isContributor && !canCurate(datanet, requester)) {
    throw forbidden('NOT_ALLOWED', `${requester} may not take down contribution ${contributionId}`, [
      'the contributor, the datanet owner or a curator may',
    ]);
  }
  if (await wasCommitted(ctx, contributionId)) requireNodeIsCurator(ctx, datanet);
  const code = reason || (isContributor ? RemovalReason.ContributorRequest : RemovalReason.Other);
  await ctx.db.query(
    `update contributions set status = 'removed', removed_at = now(), removed_by = $2, removal_reason = $3
     where id = $1 and status <> 'removed'`,
    [contributionId, addressKey(requester), code],
  );
  ctx.logger.info({ contribution: contributionId, by: requester, reason: code }, 'contribution taken down');
  // Served models holding it stop answering with it now (503 until rebuilt without it).
  noteTakedown(ctx);
  const removed = await getContributionRow(ctx.db, contributionId);
  const version = await completeTakedown(ctx, removed);
  return { contribution: contributionView(removed), version };
}

/** The off-chain and on-chain steps after a contribution is marked removed. */
async function completeTakedown(ctx: Context, row: ContributionRow): Promise<VersionView | null> {
  // Under the index's lock, with `indexed` read again: an indexing run that read the row before
  // it was removed has added it by then, and it goes now.
  await withIndexLock(ctx, row.datanet_id, async () => {
    const [current] = await ctx.db.query<{ indexed: boolean }>(
      'select indexed from contributions where id = $1',
      [row.id],
    );
    if (!current?.indexed) return;
    await ctx.indexes.remove(row.datanet_id, row.id);
    await ctx.db.query('update contributions set indexed = false where id = $1', [row.id]);
  });
  // Receipts that cited it keep their proofs (made from the content, before it is deleted).
  await preserveEvidence(ctx, row.id.toString(), row.content_hash);
  await deleteContentIfUnused(ctx, row.content_hash);
  if (!(await wasCommitted(ctx, row.id.toString()))) return null;
  const recorded = await ctx.db.query(
    "select 1 from chain_events where event_name = 'ContributionRemoved' and args->>'datanetId' = $1 and args->>'contributionId' = $2",
    [row.datanet_id, row.id.toString()],
  );
  if (recorded.length === 0) {
    await sendTransaction(ctx, {
      purpose: `removeContribution:${row.datanet_id}:${row.id}`,
      address: ctx.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'removeContribution',
      args: [BigInt(row.datanet_id), row.id, row.removal_reason ?? RemovalReason.Other],
    });
  }
  return commitAfterTakedown(ctx, row.datanet_id);
}

/** Completes every interrupted or chain-initiated takedown (at start and after indexing). */
export async function completeTakedowns(ctx: Context, datanetId?: string): Promise<number> {
  const rows = await ctx.db.query<ContributionRow>(
    `select ${contributionColumns} from contributions c where status = 'removed' and ($1::numeric is null or datanet_id = $1)
       and (indexed or exists (select 1 from version_contributions v where v.contribution_id = c.id and v.version =
         (select max(version) from datanet_versions d where d.datanet_id = c.datanet_id and d.status = 'committed')))`,
    [datanetId ?? null],
  );
  if (rows.length > 0) noteTakedown(ctx);
  for (const row of rows) {
    try {
      await completeTakedown(ctx, row);
    } catch (error) {
      ctx.logger.error({ err: error, contribution: row.id.toString() }, 'could not complete a takedown');
    }
  }
  return rows.length;
}

async function wasCommitted(ctx: Context, contributionId: string): Promise<boolean> {
  const rows = await ctx.db.query(
    `select 1 from version_contributions v join datanet_versions d using (datanet_id, version)
     where v.contribution_id = $1 and d.status = 'committed' limit 1`,
    [contributionId],
  );
  return rows.length > 0;
}
