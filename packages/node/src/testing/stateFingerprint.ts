/**
 * A fingerprint of what a node stores — every table's row count and content hash, and the blobs
 * on disk — so a test can assert that a refused request changed nothing.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { indexingSettled } from '../datanets/indexContributions.js';

/** Tables whose rows the node's background work rewrites (build progress, the indexer's cursor): counted, not hashed. */
const COUNTED_ONLY = new Set(['model_builds', 'indexer_cursor', 'indexed_blocks', 'schema_migrations']);

export type StateFingerprint = { tables: Record<string, string>; blobs: string[] };

/** The node's stored state, as comparable values. */
export async function stateFingerprint(ctx: Context): Promise<StateFingerprint> {
  // Work an earlier request left running in the background (indexing an upload) lands first.
  await indexingSettled(ctx);
  const names = (
    await ctx.db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
  ).map((r) => r.name);
  const parts = names.map((name) =>
    COUNTED_ONLY.has(name)
      ? `select '${name}' as name, count(*)::text || ':' as value from ${name}`
      : `select '${name}' as name, count(*)::text || ':' || coalesce(sum(hashtext(t::text)::numeric), 0)::text as value from ${name} t`,
  );
  const rows = await ctx.db.query<{ name: string; value: string }>(parts.join(' union all '));
  const tables = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  return { tables, blobs: listBlobs(join(ctx.config.home, 'blobs')) };
}

function listBlobs(dir: string): string[] {
  const found: string[] = [];
  for (const prefix of readdirSync(dir)) {
    const path = join(dir, prefix);
    if (!statSync(path).isDirectory()) continue;
    for (const name of readdirSync(path)) found.push(`${prefix}/${name}`);
  }
  return found.sort();
}
