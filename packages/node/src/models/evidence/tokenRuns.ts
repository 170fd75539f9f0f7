/**
 * Finding where an answer and a contribution share tokens: the longest run of consecutive tokens
 * of the answer that also occurs in the contribution (the answer's token pairs are indexed, at
 * most `MAX_POSITIONS` places per pair, and the contribution is scanned once, a bit filter of the
 * answer's pairs skipping the places that cannot match), or a single shared token when no pair
 * is shared (the answer's earliest token that the contribution holds, at its first place there).
 */

/** A run of `length` tokens at `outputStart` in the answer and `docOffset` in the contribution. */
export type TokenRun = { outputStart: number; length: number; docOffset: number };

const MAX_POSITIONS = 64;
/** Bits of the pair filter: a few hundred answer pairs set well under 1% of them. */
const FILTER_BITS = 1 << 16;
const filterBit = (a: number, b: number) => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 16;
const tokenBit = (token: number) => Math.imul(token, 0x9e3779b1) >>> 16;
/** A bit filter of `FILTER_BITS` bits (pairs or tokens hashed to a bit each). */
const newFilter = () => new Uint32Array(FILTER_BITS / 32);
const setBit = (filter: Uint32Array, bit: number) => {
  filter[bit >>> 5]! |= 1 << (bit & 31);
};
const hasBit = (filter: Uint32Array, bit: number) => (filter[bit >>> 5]! & (1 << (bit & 31))) !== 0;

/**
 * The answer's token pairs, indexed once for all the contributions it is compared with: an open
 * addressing table of pairs, each with its first `MAX_POSITIONS` places in the answer as a linked
 * list (typed arrays: a receipt's evidence allocates a few kilobytes, not a map per comparison).
 */
class PairIndex {
  readonly filter = newFilter();
  readonly #mask: number;
  readonly #first: Float64Array;
  readonly #second: Float64Array;
  /** Per table slot: the first place of its pair (−1: empty slot). */
  readonly #head: Int32Array;
  /** Per answer place: the next place of the same pair (−1: none). */
  readonly #next: Int32Array;

  constructor(output: ArrayLike<number>) {
    let size = 16;
    while (size < 2 * output.length) size *= 2;
    this.#mask = size - 1;
    this.#first = new Float64Array(size);
    this.#second = new Float64Array(size);
    this.#head = new Int32Array(size).fill(-1);
    this.#next = new Int32Array(Math.max(0, output.length)).fill(-1);
    const tail = new Int32Array(size);
    const count = new Int32Array(size);
    for (let k = 0; k + 1 < output.length; k++) {
      const a = output[k]!;
      const b = output[k + 1]!;
      setBit(this.filter, filterBit(a, b));
      const slot = this.#slot(a, b);
      if (this.#head[slot] === -1) {
        this.#first[slot] = a;
        this.#second[slot] = b;
        this.#head[slot] = k;
      } else if (count[slot]! < MAX_POSITIONS) this.#next[tail[slot]!] = k;
      else continue;
      tail[slot] = k;
      count[slot]!++;
    }
  }

  /** The first place of pair (a, b) in the answer, or −1. */
  places(a: number, b: number): number {
    return this.#head[this.#slot(a, b)]!;
  }

  /** The next place of the same pair after place k, or −1. */
  after(k: number): number {
    return this.#next[k]!;
  }

  /** The slot holding pair (a, b), or the empty slot where it would go. */
  #slot(a: number, b: number): number {
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ (b >>> 7)) & this.#mask;
    while (this.#head[slot] !== -1 && (this.#first[slot] !== a || this.#second[slot] !== b))
      slot = (slot + 1) & this.#mask;
    return slot;
  }
}

/**
 * Finds, for contribution after contribution, the longest run of the answer it shares (or null
 * when they share no token); the answer is indexed once.
 * @example
 * const find = sharedRunFinder(answer);
 * for (const doc of contributions) console.log(find(doc));
 */
export function sharedRunFinder(output: ArrayLike<number>): (doc: ArrayLike<number>) => TokenRun | null {
  const index = new PairIndex(output);
  let tokens: AnswerTokens | null = null;
  return (doc) => {
    const filter = index.filter;
    let best: TokenRun | null = null;
    for (let p = 0; p + 1 < doc.length; p++) {
      // Most of a contribution shares no pair with the answer: a bit test rules it out cheaply.
      if (!hasBit(filter, filterBit(doc[p]!, doc[p + 1]!))) continue;
      for (let k = index.places(doc[p]!, doc[p + 1]!); k !== -1; k = index.after(k)) {
        let length = 2;
        while (
          k + length < output.length &&
          p + length < doc.length &&
          output[k + length] === doc[p + length]
        )
          length++;
        if (!best || length > best.length || (length === best.length && k < best.outputStart)) {
          best = { outputStart: k, length, docOffset: p };
        }
      }
    }
    if (best) return best;
    // No shared pair: a single shared token, if any (the answer's tokens indexed once, when needed).
    tokens ??= new AnswerTokens(output);
    return tokens.firstShared(doc);
  };
}

/**
 * The longest shared run found, or null when they share no token.
 * @example
 * longestSharedRun(Uint32Array.of(1, 2, 3), Uint32Array.of(9, 2, 3)) // { outputStart: 1, length: 2, docOffset: 1 }
 */
export function longestSharedRun(output: ArrayLike<number>, doc: ArrayLike<number>): TokenRun | null {
  return sharedRunFinder(output)(doc);
}

/**
 * The answer's tokens, for contributions that share no pair with it: each token's first place in
 * the answer, behind a bit filter so that scanning a contribution costs a bit test per token (not
 * a map of the contribution's tokens, which was most of evidence finding on the request thread).
 */
class AnswerTokens {
  readonly #filter = newFilter();
  readonly #firstPlace = new Map<number, number>();

  constructor(output: ArrayLike<number>) {
    for (let k = output.length - 1; k >= 0; k--) {
      const token = output[k]!;
      this.#firstPlace.set(token, k);
      setBit(this.#filter, tokenBit(token));
    }
  }

  /** The earliest answer token the contribution holds, at its first place there (null: none). */
  firstShared(doc: ArrayLike<number>): TokenRun | null {
    let best: TokenRun | null = null;
    for (let p = 0; p < doc.length; p++) {
      const token = doc[p]!;
      if (!hasBit(this.#filter, tokenBit(token))) continue;
      const k = this.#firstPlace.get(token);
      if (k === undefined || (best && k >= best.outputStart)) continue;
      best = { outputStart: k, length: 1, docOffset: p };
      if (k === 0) break;
    }
    return best;
  }
}
