import { type Address, type Hex, keccak256, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  buildCreditsTree,
  buildManifestTree,
  buildReceiptsTree,
  EMPTY_ROOT,
  type ManifestEntry,
  verifyManifestProof,
} from './merkle.js';

const account = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const entry = (n: number): ManifestEntry => ({
  contributionId: BigInt(n),
  contributor: account(n),
  contentHash: keccak256(toHex(`content ${n}`)),
});

describe('protocol Merkle trees', () => {
  it('proves every entry of a manifest, and nothing else', () => {
    const entries = [1, 2, 3, 4, 5].map(entry);
    const tree = buildManifestTree(entries);
    expect(tree.root).toMatch(/^0x[0-9a-f]{64}$/);
    expect(tree.root).not.toBe(EMPTY_ROOT);
    for (const e of entries)
      expect(verifyManifestProof({ root: tree.root, entry: e, proof: tree.proof(e) })).toBe(true);
    const [first, second] = entries as [ManifestEntry, ManifestEntry];
    // A proof is for its entry: another entry, another contributor or another root fails.
    expect(verifyManifestProof({ root: tree.root, entry: second, proof: tree.proof(first) })).toBe(false);
    expect(
      verifyManifestProof({
        root: tree.root,
        entry: { ...first, contributor: account(9) },
        proof: tree.proof(first),
      }),
    ).toBe(false);
    expect(verifyManifestProof({ root: EMPTY_ROOT, entry: first, proof: tree.proof(first) })).toBe(false);
    expect(() => tree.proof(entry(6))).toThrow(/^not in the tree: 6:/);
    expect(tree.dump().map((d) => d.entry)).toEqual(entries);
    expect(tree.dump().map((d) => d.proof)).toEqual(entries.map((e) => tree.proof(e)));
  });

  it('gives an empty tree the zero root, and no proofs', () => {
    expect(EMPTY_ROOT).toBe(`0x${'0'.repeat(64)}`);
    for (const empty of [buildManifestTree([]), buildCreditsTree([]), buildReceiptsTree([])]) {
      expect(empty.root).toBe(EMPTY_ROOT);
      expect(empty.dump()).toEqual([]);
    }
    expect(() => buildCreditsTree([]).proof({ account: account(1), cumulativeAmount: 1n })).toThrow(
      'the tree is empty: nothing can be proven in it',
    );
  });

  it('finds entries whatever the case of their addresses and hashes, and roots do not depend on order', () => {
    const credits = [1, 2, 3].map((n) => ({
      account: account(n + 0xabc),
      cumulativeAmount: BigInt(n) * 10n,
    }));
    const tree = buildCreditsTree(credits);
    const upper = {
      ...credits[0]!,
      account: credits[0]!.account.toUpperCase().replace('0X', '0x') as Address,
    };
    expect(tree.proof(upper)).toEqual(tree.proof(credits[0]!));
    expect(buildCreditsTree([...credits].reverse()).root).toBe(tree.root);
    // Each field counts: another amount is another leaf.
    expect(buildCreditsTree([{ ...credits[0]!, cumulativeAmount: 11n }, ...credits.slice(1)]).root).not.toBe(
      tree.root,
    );
    const hashes: Hex[] = [keccak256(toHex('a')), keccak256(toHex('b'))];
    expect(buildReceiptsTree(hashes).root).not.toBe(buildReceiptsTree([hashes[0]!]).root);
  });
});
