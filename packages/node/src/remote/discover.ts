/**
 * Datanets created through other nodes: the chain has their metadata hash, the hosting node has
 * the document. This node fetches each missing document from a host and keeps it only if it
 * hashes to the metadata hash on-chain, so its datanet listing shows every datanet by name.
 */
import { metadataHashOf } from '@tributary/protocol';
import type { Context } from '../context.js';
import { storeMetadata } from '../datanets/metadata.js';
import { datanetHosts } from './hosts.js';

/** Fetches the metadata of datanets this node has no document for; returns how many it found. */
export async function discoverRemoteDatanets(ctx: Context): Promise<number> {
  const missing = await ctx.db.query<{ id: string; metadata_hash: string }>(
    `select d.id::text as id, d.metadata_hash from datanets d
     left join datanet_metadata m on m.hash = d.metadata_hash where m.hash is null order by d.id`,
  );
  let found = 0;
  for (const datanet of missing) {
    for (const host of await datanetHosts(ctx, datanet.id)) {
      try {
        const response = await fetch(`${host.endpoint}/v1/datanets/${datanet.id}`, {
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) continue;
        const { metadata } = (await response.json()) as { metadata: Record<string, unknown> | null };
        if (!metadata || metadataHashOf(metadata).toLowerCase() !== datanet.metadata_hash.toLowerCase())
          continue;
        // Checked against the chain: no quota to charge (the host's operator is named as its source).
        await storeMetadata(ctx, { document: metadata, storedBy: host.operator, charge: false });
        found += 1;
        break;
      } catch (error) {
        ctx.logger.debug(
          { err: error, datanet: datanet.id, endpoint: host.endpoint },
          'datanet host did not answer',
        );
      }
    }
  }
  if (found > 0) ctx.logger.info({ datanets: found }, 'metadata of datanets hosted elsewhere fetched');
  return found;
}
