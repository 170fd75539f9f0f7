/**
 * A contribution's salted token Merkle tree: proves that a run of tokens lies at a given place in
 * the contribution without revealing anything else of it (licensed text, or text taken down since).
 *
 * - tokens: the contribution's text as `tokenIds` gives them (o200k_base);
 * - salt_i = bytes [16i, 16i + 16) of the AES-256-CTR keystream of a secret 32-byte key per
 *   contribution (the node's), counter starting at 0 — one cipher call salts a whole document;
 * - leaf_i = sha256(0x00 ‖ salt_i ‖ u32be(token_i)) — a leaf alone cannot be guessed token by token;
 * - inner = sha256(0x01 ‖ left ‖ right); an odd node at the end of a level moves up unchanged;
 * - tokenRoot = sha256(0x02 ‖ u32be(n) ‖ top), top = 32 zero bytes when n = 0.
 *
 * A range proof for tokens [a, b) gives their salts and, level by level from the leaves, the
 * sibling on the left of the range (if its first node is a right child) and on the right (if its
 * last node is a left child with a sibling). A verifier with the token run (from the answer) and
 * n (from the version manifest) recomputes the root.
 */
import { createCipheriv, hash } from 'node:crypto';
import type { Hex } from 'viem';

const sha256 = (...parts: Uint8Array[]): Buffer => hash('sha256', Buffer.concat(parts), 'buffer');

const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);
const ROOT = Uint8Array.of(2);
const EMPTY = new Uint8Array(32);

const toHex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString('hex')}`;
const fromHex = (hex: string): Uint8Array => Buffer.from(hex.replace(/^0x/, ''), 'hex');

const SALT_BYTES = 16;

/** salt_start … salt_(start+count−1) of a contribution's key, concatenated. */
export function tokenSalts(key: Uint8Array, start: number, count: number): Buffer {
  const counter = Buffer.alloc(16);
  counter.writeUInt32BE(Math.floor(start / 2 ** 32), 8);
  counter.writeUInt32BE(start % 2 ** 32, 12);
  const cipher = createCipheriv('aes-256-ctr', key, counter);
  return Buffer.concat([cipher.update(Buffer.alloc(count * SALT_BYTES)), cipher.final()]);
}

/** leaf_i from its salt and token. */
export const tokenLeaf = (salt: Uint8Array, token: number): Uint8Array => sha256(LEAF, salt, u32(token));

const inner = (left: Uint8Array, right: Uint8Array) => sha256(INNER, left, right);
const finish = (n: number, top: Uint8Array): Hex => toHex(sha256(ROOT, u32(n), top));

/** A built tree: every level, leaves first. */
export type TokenTree = { levels: Uint8Array[][]; root: Hex; count: number };

/** Builds the tree of `tokens` under `key`. */
export function buildTokenTree(tokens: ArrayLike<number>, key: Uint8Array): TokenTree {
  const salts = tokenSalts(key, 0, tokens.length);
  const leaves: Uint8Array[] = new Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    leaves[i] = tokenLeaf(salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES), tokens[i]!);
  }
  const levels: Uint8Array[][] = [leaves];
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? inner(level[i]!, level[i + 1]!) : level[i]!);
    levels.push(next);
    level = next;
  }
  return { levels, root: finish(tokens.length, level[0] ?? EMPTY), count: tokens.length };
}

/** A proof that tokens [start, start + length) of a contribution are a given run. */
export type TokenRangeProof = {
  start: number;
  length: number;
  /** salt_i for i in the range. */
  salts: Hex[];
  /** Siblings, level by level from the leaves (left one first). */
  siblings: Hex[];
};

/** The proof for tokens [start, start + length) of `tree` (built with `key`). */
export function proveTokenRange(
  tree: TokenTree,
  key: Uint8Array,
  start: number,
  length: number,
): TokenRangeProof {
  if (length < 1 || start < 0 || start + length > tree.count) {
    throw new RangeError(`range [${start}, ${start + length}) is outside 0…${tree.count}`);
  }
  const keystream = tokenSalts(key, start, length);
  const salts: Hex[] = [];
  for (let k = 0; k < length; k++)
    salts.push(toHex(keystream.subarray(k * SALT_BYTES, (k + 1) * SALT_BYTES)));
  const siblings: Hex[] = [];
  let lo = start;
  let hi = start + length - 1;
  for (const level of tree.levels.slice(0, -1)) {
    if (lo % 2 === 1) siblings.push(toHex(level[lo - 1]!));
    if (hi % 2 === 0 && hi + 1 < level.length) siblings.push(toHex(level[hi + 1]!));
    lo >>= 1;
    hi >>= 1;
  }
  return { start, length, salts, siblings };
}

/**
 * The token root a range proof and its tokens lead to, for a contribution of `count` tokens (null
 * when the proof is malformed for that shape). Compare it with the committed root.
 */
export function tokenRootFromProof(
  proof: TokenRangeProof,
  tokens: ArrayLike<number>,
  count: number,
): Hex | null {
  const { start, length } = proof;
  if (tokens.length !== length || proof.salts.length !== length) return null;
  if (length < 1 || start < 0 || start + length > count) return null;
  let nodes: Uint8Array[] = [];
  for (let k = 0; k < length; k++) {
    const salt = fromHex(proof.salts[k]!);
    if (salt.length !== SALT_BYTES) return null;
    nodes.push(tokenLeaf(salt, tokens[k]!));
  }
  const siblings = proof.siblings.map(fromHex);
  let next = 0;
  let lo = start;
  let hi = start + length - 1;
  let size = count;
  while (size > 1) {
    const row: (Uint8Array | undefined)[] = [];
    if (lo % 2 === 1) {
      const left = siblings[next++];
      if (!left) return null;
      row.push(left);
    }
    row.push(...nodes);
    if (hi % 2 === 0 && hi + 1 < size) {
      const right = siblings[next++];
      if (!right) return null;
      row.push(right);
    }
    // row now spans whole pairs from (lo & ~1), except a final unpaired node that moves up.
    const up: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2)
      up.push(i + 1 < row.length ? inner(row[i]!, row[i + 1]!) : row[i]!);
    nodes = up;
    lo >>= 1;
    hi >>= 1;
    size = Math.ceil(size / 2);
  }
  if (next !== siblings.length || nodes.length !== 1) return null;
  return finish(count, nodes[0]!);
}
