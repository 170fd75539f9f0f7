/**
 * A contribution removed on-chain from a datanet this node copied: the copy's text is deleted
 * too (unless this node's own data still holds the same bytes) and the item is marked removed,
 * so the snapshots this node publishes show it as removed, like the host's.
 */
import type { Context } from '../context.js';

/** Applies every ContributionRemoved event to copied items not yet marked; returns how many. */
export async function completeRemoteTakedowns(ctx: Context): Promise<number> {
  const removed = await ctx.db.query<{ content_hash: string }>(
    `update remote_version_items r set removed_at = now()
     where removed_at is null and exists (
       select 1 from chain_events e where e.event_name = 'ContributionRemoved'
         and e.args->>'datanetId' = r.datanet_id::text and e.args->>'contributionId' = r.contribution_id::text)
     returning content_hash`,
  );
  for (const hash of new Set(removed.map((r) => r.content_hash))) {
    const [used] = await ctx.db.query(
      `select 1 from contributions where content_hash = $1 and status in ('pending', 'accepted')
       union all select 1 from remote_version_items where content_hash = $1 and removed_at is null limit 1`,
      [hash],
    );
    if (!used) await ctx.blobs.delete(hash);
  }
  if (removed.length > 0)
    ctx.logger.info({ items: removed.length }, 'takedowns applied to copied datanet versions');
  return removed.length;
}
