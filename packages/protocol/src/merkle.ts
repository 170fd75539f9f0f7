/**
 * The protocol's Merkle trees, built with `@openzeppelin/merkle-tree` (double-hashed leaves,
 * sorted pairs) so that OpenZeppelin's `MerkleProof` verifies them on-chain.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Address, Hex } from 'viem';

/** Leaf encoding of a datanet version's manifest: (contributionId, contributor, contentHash). */
export const MANIFEST_LEAF_ENCODING = ['uint256', 'address', 'bytes32'] as const;
/** Leaf encoding of a node's cumulative credits: (account, cumulativeAmount). */
export const CREDIT_LEAF_ENCODING = ['address', 'uint256'] as const;
/** Leaf encoding of an epoch's receipts: (receiptHash). */
export const RECEIPT_LEAF_ENCODING = ['bytes32'] as const;

/** The root of a tree with no leaves (an empty datanet version). */
export const EMPTY_ROOT: Hex = `0x${'0'.repeat(64)}`;

export type ManifestEntry = { contributionId: bigint; contributor: Address; contentHash: Hex };
export type CreditEntry = { account: Address; cumulativeAmount: bigint };

/** A built tree: its root and a proof for any entry. */
export type ProtocolTree<T> = {
  root: Hex;
  /** The proof of `entry`; throws if it is not in the tree. */
  proof(entry: T): Hex[];
  /** Every entry with its proof, in leaf order, for publishing. */
  dump(): { entry: T; proof: Hex[] }[];
};

/** A value's identity in a tree: its fields as lower-case strings. */
const valueKey = (value: readonly unknown[]) => value.map((v) => String(v).toLowerCase()).join(':');

function build<T>(
  entries: readonly T[],
  encoding: readonly string[],
  toValue: (entry: T) => unknown[],
): ProtocolTree<T> {
  if (entries.length === 0) {
    return {
      root: EMPTY_ROOT,
      proof: () => {
        throw new RangeError('the tree is empty: nothing can be proven in it');
      },
      dump: () => [],
    };
  }
  const tree = StandardMerkleTree.of(entries.map(toValue), [...encoding]);
  const indexByKey = new Map<string, number>();
  for (const [index, value] of tree.entries()) indexByKey.set(valueKey(value), index);
  const proofOf = (entry: T) => {
    const index = indexByKey.get(valueKey(toValue(entry)));
    if (index === undefined) throw new RangeError(`not in the tree: ${valueKey(toValue(entry))}`);
    return tree.getProof(index) as Hex[];
  };
  return {
    root: tree.root as Hex,
    proof: proofOf,
    dump: () => entries.map((entry) => ({ entry, proof: proofOf(entry) })),
  };
}

const manifestLeaf = (e: ManifestEntry) => [e.contributionId, e.contributor, e.contentHash];

/**
 * The manifest tree of a datanet version.
 *
 * @example
 * const tree = buildManifestTree([{ contributionId: 1n, contributor, contentHash }]);
 * await registry.write.commitVersion([datanetId, tree.root, 1n, tokens, manifestHash]);
 */
export function buildManifestTree(entries: readonly ManifestEntry[]): ProtocolTree<ManifestEntry> {
  return build(entries, MANIFEST_LEAF_ENCODING, manifestLeaf);
}

/** The cumulative credits tree of a node (one entry per account). */
export function buildCreditsTree(entries: readonly CreditEntry[]): ProtocolTree<CreditEntry> {
  return build(entries, CREDIT_LEAF_ENCODING, (e) => [e.account, e.cumulativeAmount]);
}

/** The receipts tree of an epoch. */
export function buildReceiptsTree(receiptHashes: readonly Hex[]): ProtocolTree<Hex> {
  return build(receiptHashes, RECEIPT_LEAF_ENCODING, (h) => [h]);
}

/** Checks `proof` of a manifest entry against `root` off-chain (the same check as the contract). */
export function verifyManifestProof(parameters: {
  root: Hex;
  entry: ManifestEntry;
  proof: readonly Hex[];
}): boolean {
  const { root, entry, proof } = parameters;
  return StandardMerkleTree.verify(root, [...MANIFEST_LEAF_ENCODING], manifestLeaf(entry), [...proof]);
}
