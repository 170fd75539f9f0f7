/**
 * Keeping up with datanets hosted by other nodes: metadata of new datanets (and of nodes that
 * register or move) is fetched after each indexed range that may change it, and takedowns reach
 * the copies. Work runs in the background; `stop` waits for it.
 */
import type { StoredEvent } from '../chain/projections.js';
import type { Context } from '../context.js';
import { discoverRemoteDatanets } from './discover.js';
import { completeRemoteTakedowns } from './takedowns.js';

const DISCOVERY_EVENTS = new Set([
  'DatanetCreated',
  'DatanetMetadataUpdated',
  'DatanetCuratorSet',
  'DatanetVersionCommitted',
  'NodeRegistered',
  'NodeEndpointUpdated',
]);

/** Starts following; call once the indexer has caught up. */
export function followRemoteDatanets(ctx: Context): { stop(): Promise<void> } {
  let work: Promise<unknown> = Promise.resolve();
  const run = (task: () => Promise<unknown>) => {
    work = work
      .then(task)
      .catch((error) => ctx.logger.warn({ err: error }, 'following remote datanets failed'));
  };
  run(() => completeRemoteTakedowns(ctx));
  run(() => discoverRemoteDatanets(ctx));
  ctx.indexer.onRange(async (events: readonly StoredEvent[]) => {
    if (events.some((e) => e.eventName === 'ContributionRemoved')) run(() => completeRemoteTakedowns(ctx));
    if (events.some((e) => DISCOVERY_EVENTS.has(e.eventName))) run(() => discoverRemoteDatanets(ctx));
  });
  return { stop: () => work.then(() => undefined) };
}
