/**
 * Adds a datanet's accepted, not-yet-indexed contributions to its live attribution index, then
 * marks them indexed. Runs after every acceptance and at start (catching up after a crash).
 */
import type { Context } from '../context.js';
import type { ContributionRow } from './contributionQueries.js';
import { contributionColumns } from './contributionQueries.js';

/** Indexes what is accepted but not indexed in `datanetId`; returns how many were added. */
export async function indexContributions(ctx: Context, datanetId: string): Promise<number> {
  return ctx.locks.run(`index:${datanetId}`, async () => {
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
