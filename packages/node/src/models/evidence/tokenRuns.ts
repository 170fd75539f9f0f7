/**
 * Finding where an answer and a contribution share tokens: the longest run of consecutive tokens
 * of the answer that also occurs in the contribution (the answer's token pairs are indexed, at
 * most `MAX_POSITIONS` places per pair, and the contribution is scanned once, a bit filter of the
 * answer's pairs skipping the places that cannot match), or a single shared token when no pair
 * is shared.
 */

/** A run of `length` tokens at `outputStart` in the answer and `docOffset` in the contribution. */
export type TokenRun = { outputStart: number; length: number; docOffset: number };

const MAX_POSITIONS = 64;
const pair = (a: number, b: number) => a * 2 ** 24 + b;
/** Bits of the pair filter: a few hundred answer pairs set well under 1% of them. */
const FILTER_BITS = 1 << 16;
const filterBit = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 16;

/** A bit set with the bit of each of `output`'s token pairs: no bit, no such pair. */
function pairFilter(output: ArrayLike<number>): Uint32Array {
  const filter = new Uint32Array(FILTER_BITS / 32);
  for (let k = 0; k + 1 < output.length; k++) {
    const bit = filterBit(output[k]!, output[k + 1]!);
    filter[bit >>> 5]! |= 1 << (bit & 31);
  }
  return filter;
}

/**
 * The longest shared run found, or null when they share no token.
 * @example
 * longestSharedRun(Uint32Array.of(1, 2, 3), Uint32Array.of(9, 2, 3)) // { outputStart: 1, length: 2, docOffset: 1 }
 */
export function longestSharedRun(output: ArrayLike<number>, doc: ArrayLike<number>): TokenRun | null {
  const positions = new Map<number, number[]>();
  for (let k = 0; k + 1 < output.length; k++) {
    const key = pair(output[k]!, output[k + 1]!);
    const list = positions.get(key);
    if (!list) positions.set(key, [k]);
    else if (list.length < MAX_POSITIONS) list.push(k);
  }
  const filter = pairFilter(output);
  let best: TokenRun | null = null;
  for (let p = 0; p + 1 < doc.length; p++) {
    // Most of a contribution shares no pair with the answer: a bit test rules it out cheaply.
    const bit = filterBit(doc[p]!, doc[p + 1]!);
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
    const list = positions.get(pair(doc[p]!, doc[p + 1]!));
    if (!list) continue;
    for (const k of list) {
      let length = 2;
      while (k + length < output.length && p + length < doc.length && output[k + length] === doc[p + length])
        length++;
      if (!best || length > best.length || (length === best.length && k < best.outputStart)) {
        best = { outputStart: k, length, docOffset: p };
      }
    }
  }
  if (best) return best;
  const first = new Map<number, number>();
  for (let i = doc.length - 1; i >= 0; i--) first.set(doc[i]!, i);
  for (let k = 0; k < output.length; k++) {
    const p = first.get(output[k]!);
    if (p !== undefined) return { outputStart: k, length: 1, docOffset: p };
  }
  return null;
}
