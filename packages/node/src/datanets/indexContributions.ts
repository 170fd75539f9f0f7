/**
 * Adds a datanet's accepted, not-yet-indexed contributions to its live attribution index, then
 * marks them indexed. Runs after every acceptance — in the background: an upload is acknowledged
 * once durable, and reads of the live index (`attributeText`) wait for the indexing scheduled
 * before them — and at start (catching up after a crash).
 */
import type { Context } from '../context.js';
import type { ContributionRow } from './contributionQueries.js';
import { contributionColumns } from './contributionQueries.js';

/** Indexes what is accepted but not indexed in `datanetId`; returns how many were added. */
export async function indexContributions(ctx: Context, datanetId: string): Promise<number> {
  return withIndexLock(ctx, datanetId, async () => {
    const rows = await ctx.db.query<ContributionRow>(
      `select ${contributionColumns} from contributions
       where datanet_id = $1 and status = 'accepted' and not indexed order by id`,
      [datanetId],
    );
    const documents = [];
    for (const row of rows) {
      const bytes = await ctx.blobs.get(row.content_hash);
      if (!bytes) {
        ctx.logger.error(
          { contribution: row.id.toString() },
          'accepted contribution has no blob; it cannot be indexed',
        );
        continue;
      }
      documents.push({
        contributionId: row.id,
        contributor: row.contributor,
        datanetId,
        text: new TextDecoder().decode(bytes),
      });
    }
    if (documents.length === 0) return 0;
    await ctx.indexes.add(datanetId, documents);
    await ctx.db.query('update contributions set indexed = true where id = any($1::bigint[])', [
      documents.map((d) => d.contributionId.toString()),
    ]);
    return documents.length;
  });
}

/** Indexes every datanet's backlog (at start). */
export async function indexAllContributions(ctx: Context): Promise<number> {
  const datanets = await ctx.db.query<{ datanet_id: string }>(
    "select distinct datanet_id::text as datanet_id from contributions where status = 'accepted' and not indexed",
  );
  let added = 0;
  for (const { datanet_id } of datanets) added += await indexContributions(ctx, datanet_id);
  return added;
}

/** Runs `fn` alone with the datanet's live index (indexing, removal). */
export const withIndexLock = <T>(ctx: Context, datanetId: string, fn: () => Promise<T>): Promise<T> =>
  ctx.locks.run(`index:${datanetId}`, fn);

/** Per node: each datanet's scheduled indexing, and whether another run is wanted after it. */
const scheduled = new WeakMap<Context, Map<string, { done: Promise<void>; again: boolean }>>();

/**
 * Indexes `datanetId`'s backlog in the background. Requests made while a run is under way share
 * one more run after it (which sees everything they committed). A failure is logged; the rows
 * stay unindexed until the next run or the next start.
 */
export function scheduleIndexing(ctx: Context, datanetId: string): void {
  const byDatanet = scheduled.get(ctx) ?? new Map();
  scheduled.set(ctx, byDatanet);
  const current = byDatanet.get(datanetId);
  if (current) {
    current.again = true;
    return;
  }
  const entry = { done: Promise.resolve(), again: false };
  byDatanet.set(datanetId, entry);
  entry.done = (async () => {
    do {
      entry.again = false;
      await indexContributions(ctx, datanetId).catch((err) =>
        ctx.logger.error(
          { err, datanetId },
          'could not index accepted contributions; retried on the next upload or start',
        ),
      );
    } while (entry.again);
    byDatanet.delete(datanetId);
  })();
}

/** Resolves once the indexing scheduled for `datanetId` (or, without one, for every datanet) ended. */
export async function indexingSettled(ctx: Context, datanetId?: string): Promise<void> {
  const byDatanet = scheduled.get(ctx);
  if (!byDatanet) return;
  const entries = datanetId === undefined ? [...byDatanet.values()] : [byDatanet.get(datanetId)];
  await Promise.all(entries.map((entry) => entry?.done));
}
