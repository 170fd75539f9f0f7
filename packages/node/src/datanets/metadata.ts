/**
 * Datanet metadata documents (name, description, …): stored by their sha256, which is the
 * `metadataHash` committed on-chain, so anyone can check a document against its datanet. A
 * document is stored only for an authenticated account (within its daily quota) or with a create
 * request whose signature verified; unreferenced ones are collected (collectMetadata).
 */
import { metadataHashOf } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { chargeQuota } from '../auth/quotas.js';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';

export type StoreMetadataParameters = {
  document: Record<string, unknown>;
  /** The account that stored it (API key holder, or the signer of a create request). */
  storedBy: Address;
  /** Charge the account's daily metadata quota (requests that only store metadata). */
  charge: boolean;
};

/** Stores a metadata document and returns its hash (bytes32). */
export async function storeMetadata(ctx: Context, p: StoreMetadataParameters): Promise<Hex> {
  const hash = metadataHashOf(p.document);
  const json = JSON.stringify(p.document);
  await ctx.db.transaction(async (tx) => {
    if (p.charge) {
      await chargeQuota(tx, {
        account: p.storedBy,
        kind: 'metadata',
        bytes: Buffer.byteLength(json),
        maxCount: ctx.config.limits.maxMetadataPerDay,
        maxBytes: ctx.config.limits.maxMetadataPerDay * 16_384,
      });
    }
    await tx.query(
      'insert into datanet_metadata (hash, document, stored_by) values ($1, $2, $3) on conflict do nothing',
      [hash, json, addressKey(p.storedBy)],
    );
  });
  return hash;
}

/** Deletes documents no datanet refers to that are older than `graceMs`; returns how many. */
export async function collectMetadata(ctx: Context, graceMs: number): Promise<number> {
  const rows = await ctx.db.query(
    `delete from datanet_metadata m where m.created_at < now() - ($1::bigint * interval '1 millisecond')
       and not exists (select 1 from datanets d where d.metadata_hash = m.hash)
       and not exists (select 1 from chain_events e where e.args->>'metadataHash' = m.hash) returning 1`,
    [graceMs],
  );
  return rows.length;
}
