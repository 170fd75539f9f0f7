/**
 * What anyone can check about a datanet's history: Merkle proofs that a contribution is in a
 * version, the version's training snapshot (JSONL) with a reproducible hash, and the event
 * history (created, versions, takedowns).
 */
import type { HistoryEntry, ProofView } from '@tributary/protocol';
import { canonicalJson } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { sha256Hex } from '../store/blobs.js';
import { getDatanet } from './datanetQueries.js';
import { buildManifest, versionItems } from './manifest.js';
import { getVersion } from './versions.js';

export type { ProofView };

/** The Merkle proof that `contributionId` is in `version` (verifiable with DatanetRegistry.verifyContribution). */
export async function proveContribution(
  ctx: Context,
  datanetId: string,
  version: number,
  contributionId: string,
): Promise<ProofView> {
  const view = await getVersion(ctx, datanetId, version);
  const items = await versionItems(ctx.db, datanetId, version);
  const item = items.find((i) => i.id.toString() === contributionId);
  if (!item) throw notFound(`contribution ${contributionId} in version ${version} of datanet ${datanetId}`);
  const manifest = buildManifest(datanetId, items);
  const entry = { contributionId: item.id, contributor: item.contributor, contentHash: item.contentHash };
  return {
    datanetId,
    version,
    manifestRoot: view.manifestRoot,
    leaf: { contributionId, contributor: item.contributor, contentHash: item.contentHash },
    proof: manifest.tree.proof(entry),
  };
}

export type SnapshotReturnType = { body: string; sha256: string; lines: number; removed: number };

/**
 * The training snapshot of a version: one canonical JSON line per contribution, by id. Items
 * taken down since appear as `{"removed": true, …}` without text: their content is deleted.
 */
export async function versionSnapshot(
  ctx: Context,
  datanetId: string,
  version: number,
): Promise<SnapshotReturnType> {
  await getVersion(ctx, datanetId, version);
  const items = await versionItems(ctx.db, datanetId, version);
  const lines: string[] = [];
  let removed = 0;
  for (const item of items) {
    const bytes = await ctx.blobs.get(item.contentHash.slice(2));
    const base = {
      contributionId: item.id.toString(),
      contributor: item.contributor,
      contentHash: item.contentHash,
    };
    if (bytes) lines.push(canonicalJson({ ...base, text: new TextDecoder().decode(bytes) }));
    else {
      removed += 1;
      lines.push(canonicalJson({ ...base, removed: true }));
    }
  }
  const body = lines.map((line) => `${line}\n`).join('');
  return { body, sha256: sha256Hex(body), lines: lines.length, removed };
}

export type { HistoryEntry };

const kinds: Record<string, HistoryEntry['kind']> = {
  DatanetCreated: 'created',
  DatanetVersionCommitted: 'version',
  ContributionRemoved: 'removed',
  DatanetOwnershipTransferred: 'owner',
  DatanetPolicyUpdated: 'policy',
  DatanetMetadataUpdated: 'metadata',
  DatanetCuratorSet: 'curator',
};

/** Every on-chain change of the datanet, oldest first: who changed what, and when. */
export async function datanetHistory(ctx: Context, datanetId: string): Promise<HistoryEntry[]> {
  await getDatanet(ctx, datanetId);
  const rows = await ctx.db.query<{
    block_number: bigint;
    block_time: Date;
    tx_hash: string;
    event_name: string;
    args: Record<string, unknown>;
  }>(
    `select block_number, block_time, tx_hash, event_name, args from chain_events
     where event_name = any($1) and args->>'datanetId' = $2 and contract = 'datanetRegistry'
     order by block_number, log_index`,
    [Object.keys(kinds), datanetId],
  );
  return rows.map((row) => ({
    kind: kinds[row.event_name]!,
    blockNumber: row.block_number.toString(),
    time: row.block_time.toISOString(),
    txHash: row.tx_hash as Hex,
    details: row.args,
  }));
}
