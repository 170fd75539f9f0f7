/**
 * A version's manifest: the list of its contributions (id, contributor, content hash, size, and
 * the root of its salted token tree — see models/evidence/tokenTree.ts) as canonical JSON —
 * published as a blob whose sha256 is the `manifestHash` on-chain — and the Merkle tree over
 * (id, contributor, contentHash) whose root is the `manifestRoot`.
 */
import { buildManifestTree, canonicalJson, type ManifestEntry, type ProtocolTree } from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import type { Queryable } from '../store/db.js';

export const MANIFEST_FORMAT = 'tributary-manifest/2';

export type ManifestItem = {
  id: bigint;
  contributor: Address;
  contentHash: Hex;
  bytes: number;
  tokens: number;
  /** Root of the contribution's salted token tree (lets anyone check a span lies in it). */
  tokenRoot?: Hex | undefined;
};

export type Manifest = {
  bytes: Uint8Array;
  items: ManifestItem[];
  tokenCount: number;
  tree: ProtocolTree<ManifestEntry>;
};

/** Builds the manifest of `items` (sorted by id) for `datanetId`. */
export function buildManifest(datanetId: string, items: readonly ManifestItem[]): Manifest {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const tokenCount = sorted.reduce((sum, item) => sum + item.tokens, 0);
  const document = {
    format: MANIFEST_FORMAT,
    datanetId,
    tokenCount,
    contributions: sorted.map((item) => ({
      id: item.id.toString(),
      contributor: item.contributor,
      contentHash: item.contentHash,
      bytes: item.bytes,
      tokens: item.tokens,
      ...(item.tokenRoot ? { tokenRoot: item.tokenRoot } : {}),
    })),
  };
  return {
    bytes: new TextEncoder().encode(canonicalJson(document)),
    items: sorted,
    tokenCount,
    tree: buildManifestTree(
      sorted.map((item) => ({
        contributionId: item.id,
        contributor: item.contributor,
        contentHash: item.contentHash,
      })),
    ),
  };
}

type ItemRow = { id: bigint; contributor: string; content_hash: string; bytes: number; tokens: number };

const toItem = (row: ItemRow): ManifestItem => ({
  id: row.id,
  contributor: getAddress(row.contributor),
  contentHash: `0x${row.content_hash}`,
  bytes: row.bytes,
  tokens: row.tokens,
});

/** The items of a stored version (including ones taken down since: they were in it). */
export async function versionItems(
  db: Queryable,
  datanetId: string,
  version: number,
): Promise<ManifestItem[]> {
  const rows = await db.query<ItemRow>(
    `select c.id, c.contributor, c.content_hash, c.bytes, c.tokens from version_contributions v
     join contributions c on c.id = v.contribution_id
     where v.datanet_id = $1 and v.version = $2 order by c.id`,
    [datanetId, version],
  );
  return rows.map(toItem);
}

/** The datanet's accepted contributions: what the next version holds. */
export async function acceptedItems(db: Queryable, datanetId: string): Promise<ManifestItem[]> {
  const rows = await db.query<ItemRow>(
    "select id, contributor, content_hash, bytes, tokens from contributions where datanet_id = $1 and status = 'accepted' order by id",
    [datanetId],
  );
  return rows.map(toItem);
}
