/**
 * Datanet metadata documents (name, description, …): stored by their sha256, which is the
 * `metadataHash` committed on-chain, so anyone can check a document against its datanet.
 */
import { canonicalJson } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { sha256Hex } from '../store/blobs.js';

/** Stores a metadata document and returns its hash (bytes32). */
export async function storeMetadata(ctx: Context, document: Record<string, unknown>): Promise<Hex> {
  const hash: Hex = `0x${sha256Hex(canonicalJson(document))}`;
  await ctx.db.query('insert into datanet_metadata (hash, document) values ($1, $2) on conflict do nothing', [
    hash,
    JSON.stringify(document),
  ]);
  return hash;
}
