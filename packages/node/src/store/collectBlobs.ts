/**
 * The collector of unreferenced blobs and metadata documents. A blob is kept while something refers
 * to it — a pending or accepted contribution, a version's manifest, an epoch's published data, a
 * taken-down contribution whose citing receipts have no proof yet (the takedown makes them from it) —
 * or while it is younger than the grace period (an upload writes its blob just before the row
 * that refers to it). Everything else (uploads whose transaction failed, a crash between blob and
 * row, rejected or removed content) is deleted. A new kind of blob must add its reference here.
 */
import type { Context } from '../context.js';
import { collectMetadata } from '../datanets/metadata.js';

export type CollectBlobsReturnType = {
  scanned: number;
  deleted: number;
  bytesFreed: number;
  temporary: number;
  metadata: number;
};

/** The hashes among `hashes` that something still refers to. */
async function referenced(ctx: Context, hashes: readonly string[]): Promise<Set<string>> {
  const prefixed = hashes.map((h) => `0x${h}`);
  const rows = await ctx.db.query<{ hash: string }>(
    `select content_hash as hash from contributions where content_hash = any($1::text[]) and status in ('pending', 'accepted')
     union select substr(manifest_hash, 3) from datanet_versions where manifest_hash = any($2::text[])
     union select data_hash from epoch_settlements where data_hash = any($1::text[])
     union select c.content_hash from contributions c join receipt_evidence e on e.contribution_id = c.id
       where c.content_hash = any($1::text[]) and c.status = 'removed' and e.proof is null`,
    [hashes, prefixed],
  );
  return new Set(rows.map((r) => r.hash));
}

/** Deletes unreferenced blobs older than `graceMs`, and unreferenced metadata documents. */
export async function collectBlobs(
  ctx: Context,
  { graceMs = ctx.config.blobs.gcGraceMs }: { graceMs?: number } = {},
): Promise<CollectBlobsReturnType> {
  const result = { scanned: 0, deleted: 0, bytesFreed: 0, temporary: 0, metadata: 0 };
  const now = Date.now();
  for await (const batch of ctx.blobs.list()) {
    result.scanned += batch.length;
    const old = batch.filter((b) => now - b.modifiedMs > graceMs);
    if (old.length === 0) continue;
    const keep = await referenced(
      ctx,
      old.map((b) => b.hash),
    );
    for (const blob of old) {
      if (keep.has(blob.hash)) continue;
      await ctx.blobs.delete(blob.hash);
      result.deleted += 1;
      result.bytesFreed += blob.bytes;
    }
  }
  result.temporary = await ctx.blobs.sweepTemporary(graceMs);
  result.metadata = await collectMetadata(ctx, graceMs);
  if (result.deleted + result.temporary + result.metadata > 0) {
    ctx.logger.info(result, 'collected unreferenced blobs');
  }
  return result;
}

/** Runs the collector at start and every `config.blobs.gcIntervalMs` (0: only at start). */
export function startBlobCollector(ctx: Context) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const interval = ctx.config.blobs.gcIntervalMs;
  const tick = () => {
    running = collectBlobs(ctx)
      .catch((error) => ctx.logger.warn({ err: error }, 'blob collection failed'))
      .finally(() => {
        if (!stopped && interval > 0) timer = setTimeout(tick, interval);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
