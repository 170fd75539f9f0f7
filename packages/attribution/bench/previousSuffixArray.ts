/**
 * The previous suffix-array builder (before the WebAssembly kernels), kept for the benchmark: it
 * measures it in the same run as the current one and checks that both give the same array.
 *
 * Suffix-array construction by induced sorting (SA-IS, Nong, Zhang & Chan 2009), written for
 * token arrays: 2-byte (`Uint16Array`) and 4-byte (`Uint32Array`) alphabets, with a virtual
 * sentinel after the last token that is smaller than every symbol.
 *
 * Memory: besides the input and the `Int32Array` output (4 bytes per token), the top level uses two
 * `Int32Array`s of the alphabet size and a bitmap of the LMS positions with its rank directory (2
 * bits per token); the reduced problem lives inside the output array and its bucket arrays are the
 * size of its alphabet (at most a third of the text on typical input). No type bit-array is kept:
 * whether the predecessor of a suffix must be induced is decided when the suffix is written (from
 * the two symbols before it) and stored in its sign. The text's types are scanned once (placing
 * the LMS seeds and setting their bits); later stages read the LMS positions from the bitmap.
 *
 * The work is split into steps of at most {@link suffixArrayChunk} iterations so that
 * {@link buildSuffixArrayAsync} can yield to the event loop between them.
 */
import { AttributionError } from '../src/errors.js';
import { type RunStepsAsyncOptions, runSteps, runStepsAsync, type Steps } from '../src/steps.js';

/** Token arrays the suffix-array builder accepts. */
export type SymbolArray = Uint16Array | Uint32Array;

/** Iterations a step of the builder runs before it yields (between slices of the event loop). */
export const suffixArrayChunk = 1 << 17;
/** Distance, in entries, at which the induction passes touch upcoming text positions. */
const PREFETCH = 32;

export type BuildSuffixArrayParameters = {
  /** The text: symbols in `[0, alphabetSize)`. */
  tokens: SymbolArray;
  /** One more than the largest symbol. */
  alphabetSize: number;
  /** Where to write the result (length ≥ `tokens.length`); allocated when absent. */
  output?: Int32Array | undefined;
};

/** The suffix array: suffix start positions in lexicographic order. */
export type BuildSuffixArrayReturnType = Int32Array;

/**
 * Builds the suffix array of `tokens` synchronously.
 * @example
 * const sa = buildSuffixArray({ tokens: Uint16Array.of(2, 1, 2, 1, 3), alphabetSize: 4 }); // [3, 1, 2, 0, 4]
 */
export function buildSuffixArray(parameters: BuildSuffixArrayParameters): BuildSuffixArrayReturnType {
  const { sa, steps } = suffixArraySteps(parameters);
  runSteps(steps);
  return sa;
}

export type BuildSuffixArrayAsyncParameters = BuildSuffixArrayParameters & RunStepsAsyncOptions;

/**
 * Builds the suffix array in slices, yielding to the event loop between them, so that queries keep
 * being answered during a large build (merges).
 * @example
 * const sa = await buildSuffixArrayAsync({ tokens, alphabetSize, sliceMs: 10 });
 */
export async function buildSuffixArrayAsync(
  parameters: BuildSuffixArrayAsyncParameters,
): Promise<BuildSuffixArrayReturnType> {
  const { sa, steps } = suffixArraySteps(parameters);
  await runStepsAsync(steps, parameters);
  return sa;
}

/**
 * The builder as a generator of steps (each at most a few milliseconds): drive it to completion to
 * get the suffix array in `sa`.
 */
export function suffixArraySteps(parameters: BuildSuffixArrayParameters): {
  sa: Int32Array;
  steps: Steps<void>;
} {
  const { tokens, alphabetSize } = parameters;
  const n = tokens.length;
  if (n >= 2 ** 31 - 1) {
    throw new AttributionError('Text too long for a 32-bit suffix array', {
      code: 'TEXT_TOO_LONG',
      details: [`${n} tokens`],
    });
  }
  if (!Number.isInteger(alphabetSize) || alphabetSize < 1) {
    throw new AttributionError('Invalid alphabet size', {
      code: 'INVALID_INPUT',
      details: [`${alphabetSize}`],
    });
  }
  const sa = parameters.output ?? new Int32Array(n);
  if (sa.length < n) {
    throw new AttributionError('Output array too short', { code: 'INVALID_INPUT' });
  }
  return { sa, steps: sais(tokens, sa.subarray(0, n), n, alphabetSize) };
}

function* sais(T: SymbolArray, SA: Int32Array, n: number, K: number): Steps<void> {
  if (n === 0) return;
  if (n === 1) {
    SA[0] = 0;
    return;
  }
  const C = new Int32Array(K);
  for (let from = 0; from < n; from += suffixArrayChunk) {
    countSymbols(T, C, from, Math.min(n, from + suffixArrayChunk));
    yield;
  }
  const B = new Int32Array(K);

  // Stage 1: sort the LMS substrings by induction from LMS seeds in text order.
  for (let from = 0; from < n; from += suffixArrayChunk) {
    SA.fill(0, from, Math.min(n, from + suffixArrayChunk));
    yield;
  }
  bucketEnds(C, B);
  // The one type scan of the text: it seeds the buckets and records the LMS positions for later.
  const lms = new LmsBitmap(n);
  const scan = { isS: false, next: T[n - 1]! };
  for (let from = n - 2; from >= 0; from -= suffixArrayChunk) {
    placeLmsSeeds(T, SA, B, lms.bits, from, Math.max(-1, from - suffixArrayChunk), scan);
    yield;
  }
  yield* induce(T, SA, C, B, n, true);
  // Compact the sorted LMS positions (the only positive entries left) into SA[0, n1).
  let n1 = 0;
  for (let from = 0; from < n; from += suffixArrayChunk) {
    n1 = compactPositive(SA, from, Math.min(n, from + suffixArrayChunk), n1);
    yield;
  }

  if (n1 > 0) {
    // Name the LMS substrings by the sorted index of the first member of their group of equal
    // substrings; the reduced text (names in text order) goes to SA[n - n1, n) and SA[0, n1) gets
    // the reduced suffixes (ranks of LMS positions) sorted by name.
    const base = n - n1;
    lms.finish();
    yield;
    const naming = { groupStart: -1, prev: -1, prevLength: 0, groups: 0 };
    for (let from = 0; from < n1; from += suffixArrayChunk) {
      nameLmsSubstrings(T, SA, n, base, lms, from, Math.min(n1, from + suffixArrayChunk), naming);
      yield;
    }

    // Stage 2: sort the reduced suffixes.
    const reduced = new Uint32Array(SA.buffer, SA.byteOffset + base * 4, n1);
    const reducedSA = SA.subarray(0, n1);
    if (naming.groups < n1) {
      let sorted = false;
      if (naming.groups * 2 >= n1) {
        sorted = yield* sortByDoubling(reduced, reducedSA, n1, 4 * n1 + 16);
      }
      if (!sorted) {
        const distinct = yield* densifyNames(reduced, reducedSA, n1);
        yield* sais(reduced, reducedSA, n1, distinct);
      }
    }
    // Overwrite the reduced text with the LMS positions in text order, then map ranks to positions.
    const wordsPerStep = suffixArrayChunk >>> 5;
    for (let from = 0, at = base; from < lms.bits.length; from += wordsPerStep) {
      at = listLmsPositions(lms.bits, SA, from, Math.min(lms.bits.length, from + wordsPerStep), at);
      yield;
    }
    for (let from = 0; from < n1; from += suffixArrayChunk) {
      mapRanksToPositions(SA, base, from, Math.min(n1, from + suffixArrayChunk));
      yield;
    }
  }

  // Stage 3: place the sorted LMS suffixes at their bucket ends and induce the rest.
  for (let from = n1; from < n; from += suffixArrayChunk) {
    SA.fill(0, from, Math.min(n, from + suffixArrayChunk));
    yield;
  }
  bucketEnds(C, B);
  for (let from = n1 - 1; from >= 0; from -= suffixArrayChunk) {
    placeSortedLms(T, SA, B, from, Math.max(-1, from - suffixArrayChunk));
    yield;
  }
  yield* induce(T, SA, C, B, n, false);
}

/**
 * LMS positions as a bitmap, with a rank directory (count of LMS positions before each word) that
 * {@link LmsBitmap.finish} adds once every bit is set.
 */
class LmsBitmap {
  readonly bits: Uint32Array;
  rank: Uint32Array = new Uint32Array(0);
  constructor(n: number) {
    this.bits = new Uint32Array((n >>> 5) + 1);
  }
  finish(): void {
    this.rank = new Uint32Array(this.bits.length);
    let sum = 0;
    for (let w = 0; w < this.bits.length; w++) {
      this.rank[w] = sum;
      sum += popcount(this.bits[w]!);
    }
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function nameLmsSubstrings(
  T: SymbolArray,
  SA: Int32Array,
  n: number,
  base: number,
  lms: LmsBitmap,
  from: number,
  to: number,
  state: { groupStart: number; prev: number; prevLength: number; groups: number },
): void {
  const bits = lms.bits;
  const rank = lms.rank;
  const words = bits.length;
  let { groupStart, prev, prevLength, groups } = state;
  for (let k = from; k < to; k++) {
    const p = SA[k]!;
    // Next LMS position after p (n, the sentinel, when none).
    let w = p >>> 5;
    let x = bits[w]! & ~((2 << (p & 31)) - 1);
    while (x === 0 && ++w < words) x = bits[w]!;
    const nextLms = x === 0 ? n : w * 32 + (31 - Math.clz32(x & -x));
    const length = nextLms - p + 1;
    let differs = true;
    // A substring reaching the virtual sentinel (p + length > n) is unique.
    if (prev >= 0 && length === prevLength && p + length <= n && prev + length <= n) {
      differs = false;
      for (let d = 0; d < length; d++) {
        if (T[p + d] !== T[prev + d]) {
          differs = true;
          break;
        }
      }
    }
    if (differs) {
      groupStart = k;
      groups++;
    }
    const pw = p >>> 5;
    const r = rank[pw]! + popcount(bits[pw]! & ((1 << (p & 31)) - 1));
    SA[k] = r;
    SA[base + r] = groupStart;
    prev = p;
    prevLength = length;
  }
  state.groupStart = groupStart;
  state.prev = prev;
  state.prevLength = prevLength;
  state.groups = groups;
}

/**
 * Sorts the reduced suffixes by prefix doubling (Larsson–Sadakane style) when most names are
 * already distinct: `ISA[r]` holds the sorted index of the first member of r's group and `SA1`
 * the suffixes sorted by group. Gives up (returns false, leaving a valid naming in `ISA` and SA1
 * sorted by it) once `workLimit` entries have been processed, so that the worst case stays linear.
 */
function* sortByDoubling(
  ISA: Uint32Array,
  SA1: Int32Array,
  n1: number,
  workLimit: number,
): Generator<void, boolean, void> {
  let groups = yield* collectGroups(ISA, SA1, n1);
  let h = 1;
  let work = 0;
  const scratch = new Scratch();
  while (groups.length > 0) {
    const next = new GroupList();
    let sinceYield = 0;
    for (let g = 0; g < groups.length; g++) {
      const s = groups.starts[g]!;
      const e = groups.ends[g]!;
      refineGroup(ISA, SA1, n1, s, e, h, scratch, next);
      work += e - s;
      sinceYield += e - s;
      if (work > workLimit) return false;
      if (sinceYield >= suffixArrayChunk) {
        sinceYield = 0;
        yield;
      }
    }
    groups = next;
    h *= 2;
    yield;
  }
  return true;
}

class GroupList {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  length = 0;
  push(s: number, e: number): void {
    if (this.length === this.starts.length) {
      const starts = new Int32Array(this.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(this.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.starts[this.length] = s;
    this.ends[this.length++] = e;
  }
}

class Scratch {
  keys = new Int32Array(64);
  packed = new BigUint64Array(64);
  ensure(size: number): void {
    if (this.keys.length < size) {
      this.keys = new Int32Array(size * 2);
      this.packed = new BigUint64Array(size * 2);
    }
  }
}

function* collectGroups(ISA: Uint32Array, SA1: Int32Array, n1: number): Steps<GroupList> {
  const groups = new GroupList();
  let s = 0;
  let current = ISA[SA1[0]!]!;
  for (let k = 1; k <= n1; k++) {
    const v = k < n1 ? ISA[SA1[k]!]! : -1;
    if (v !== current) {
      if (k - s >= 2) groups.push(s, k);
      s = k;
      current = v;
    }
    if ((k & (suffixArrayChunk - 1)) === 0) yield;
  }
  return groups;
}

/** Sorts SA1[s, e) by the rank of the suffix h further on, splits it, and renames the parts. */
function refineGroup(
  ISA: Uint32Array,
  SA1: Int32Array,
  n1: number,
  s: number,
  e: number,
  h: number,
  scratch: Scratch,
  next: GroupList,
): void {
  const size = e - s;
  scratch.ensure(size);
  const keys = scratch.keys;
  if (size <= 32) {
    // Insertion sort on (key, suffix).
    for (let k = 0; k < size; k++) {
      const r = SA1[s + k]!;
      const key = r + h < n1 ? ISA[r + h]! : -1;
      let j = k - 1;
      while (j >= 0 && keys[j]! > key) {
        keys[j + 1] = keys[j]!;
        SA1[s + j + 1] = SA1[s + j]!;
        j--;
      }
      keys[j + 1] = key;
      SA1[s + j + 1] = r;
    }
  } else {
    // Pack (key + 1, suffix) into 64-bit words and sort them natively.
    const packed = scratch.packed;
    const halves = new Uint32Array(packed.buffer, 0, size * 2);
    for (let k = 0; k < size; k++) {
      const r = SA1[s + k]!;
      halves[2 * k] = r;
      halves[2 * k + 1] = r + h < n1 ? ISA[r + h]! + 1 : 0;
    }
    packed.subarray(0, size).sort();
    for (let k = 0; k < size; k++) {
      SA1[s + k] = halves[2 * k]!;
      keys[k] = halves[2 * k + 1]! - 1;
    }
  }
  // Split into runs of equal keys; each run is named by its first index.
  let a = 0;
  for (let k = 1; k <= size; k++) {
    if (k === size || keys[k] !== keys[a]) {
      const name = s + a;
      for (let m = a; m < k; m++) ISA[SA1[s + m]!] = name;
      if (k - a >= 2) next.push(s + a, s + k);
      a = k;
    }
  }
}

/** Replaces the names (sorted indices of group starts) with dense ranks 0..distinct-1. */
function* densifyNames(ISA: Uint32Array, SA1: Int32Array, n1: number): Steps<number> {
  let dense = -1;
  let previous = -1;
  for (let k = 0; k < n1; k++) {
    const r = SA1[k]!;
    const v = ISA[r]!;
    if (v !== previous) {
      dense++;
      previous = v;
    }
    ISA[r] = dense;
    if ((k & (suffixArrayChunk - 1)) === 0) yield;
  }
  return dense + 1;
}

/** Puts the sorted LMS suffixes SA[to+1..from] (walking down) at the ends of their buckets. */
function placeSortedLms(T: SymbolArray, SA: Int32Array, B: Int32Array, from: number, to: number): void {
  for (let i = from; i > to; i--) {
    const p = SA[i]!;
    SA[i] = 0;
    SA[--B[T[p]!]!] = p;
  }
}

function mapRanksToPositions(SA: Int32Array, base: number, from: number, to: number): void {
  for (let i = from; i < to; i++) SA[i] = SA[base + SA[i]!]!;
}

/**
 * Induces L-type suffixes left to right, then S-type suffixes right to left.
 *
 * Sign convention: an entry `p ≥ 0` means "suffix p, whose predecessor is L-type (or p = 0)"; an
 * entry `~p < 0` means "suffix p, whose predecessor is S-type". The L pass induces from positive
 * entries, the S pass from negative ones. In stage 1 (`sortingLms`), induced-from entries are
 * zeroed so that afterwards the only positive entries are the LMS suffixes, in sorted order; in the
 * final pass the S scan turns every entry back into a plain position.
 */
function* induce(
  T: SymbolArray,
  SA: Int32Array,
  C: Int32Array,
  B: Int32Array,
  n: number,
  sortingLms: boolean,
): Generator<void, void, void> {
  bucketStarts(C, B);
  // The virtual sentinel (at n) is the smallest suffix: induce its predecessor n - 1 first.
  {
    const j = n - 1;
    const c = T[j]!;
    SA[B[c]!++] = j > 0 && T[j - 1]! < c ? ~j : j;
  }
  // The passes also read the text at positions a few entries ahead (a software prefetch that
  // overlaps the cache misses); `sink` keeps those reads from being optimized away.
  let sink = 0;
  for (let from = 0; from < n; from += suffixArrayChunk) {
    sink ^= inducePassL(T, SA, B, from, Math.min(n, from + suffixArrayChunk), sortingLms);
    yield;
  }
  bucketEnds(C, B);
  for (let from = n - 1; from >= 0; from -= suffixArrayChunk) {
    sink ^= inducePassS(T, SA, B, from, Math.max(-1, from - suffixArrayChunk), sortingLms);
    yield;
  }
  if (sink === -1) C[0] = C[0]!;
}

function inducePassL(
  T: SymbolArray,
  SA: Int32Array,
  B: Int32Array,
  from: number,
  to: number,
  zero: boolean,
): number {
  let bucket = 0;
  let b = B[0]!;
  let sink = 0;
  const last = SA.length - 1;
  for (let i = from; i < to; i++) {
    const far = SA[Math.min(i + PREFETCH, last)]!;
    sink ^= T[far ^ (far >> 31)]!;
    const v = SA[i]!;
    if (v > 0) {
      if (zero) SA[i] = 0;
      const j = v - 1;
      const c = T[j]!;
      if (c !== bucket) {
        B[bucket] = b;
        bucket = c;
        b = B[c]!;
      }
      SA[b++] = j > 0 && T[j - 1]! < c ? ~j : j;
    }
  }
  B[bucket] = b;
  return sink;
}

function inducePassS(
  T: SymbolArray,
  SA: Int32Array,
  B: Int32Array,
  from: number,
  to: number,
  zero: boolean,
): number {
  let bucket = 0;
  let b = B[0]!;
  let sink = 0;
  for (let i = from; i > to; i--) {
    const far = SA[Math.max(i - PREFETCH, 0)]!;
    sink ^= T[far ^ (far >> 31)]!;
    const v = SA[i]!;
    if (v < 0) {
      const p = ~v;
      SA[i] = zero ? 0 : p;
      const j = p - 1;
      const c = T[j]!;
      if (c !== bucket) {
        B[bucket] = b;
        bucket = c;
        b = B[c]!;
      }
      SA[--b] = j > 0 && T[j - 1]! <= c ? ~j : j;
    }
  }
  B[bucket] = b;
  return sink;
}

function countSymbols(T: SymbolArray, C: Int32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) C[T[i]!]!++;
}

function bucketStarts(C: Int32Array, B: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < C.length; c++) {
    B[c] = sum;
    sum += C[c]!;
  }
}

function bucketEnds(C: Int32Array, B: Int32Array): void {
  let sum = 0;
  for (let c = 0; c < C.length; c++) {
    sum += C[c]!;
    B[c] = sum;
  }
}

type LmsScan = { isS: boolean; next: number };

/**
 * Right-to-left type scan over [to+1, from]: puts each LMS position at the end of its bucket and
 * sets its bit in `lms`.
 */
function placeLmsSeeds(
  T: SymbolArray,
  SA: Int32Array,
  B: Int32Array,
  lms: Uint32Array,
  from: number,
  to: number,
  state: LmsScan,
): void {
  let nextIsS = state.isS;
  let next = state.next;
  for (let i = from; i > to; i--) {
    const c = T[i]!;
    const isS = c < next || (c === next && nextIsS);
    if (!isS && nextIsS) {
      // i + 1 is LMS
      const p = i + 1;
      SA[--B[next]!] = p;
      lms[p >>> 5]! |= 1 << (p & 31);
    }
    nextIsS = isS;
    next = c;
  }
  state.isS = nextIsS;
  state.next = next;
}

/** Writes the LMS positions of bitmap words [from, to), in text order, to SA from index `at`. */
function listLmsPositions(lms: Uint32Array, SA: Int32Array, from: number, to: number, at: number): number {
  for (let w = from; w < to; w++) {
    let x = lms[w]!;
    while (x !== 0) {
      const low = x & -x;
      SA[at++] = w * 32 + 31 - Math.clz32(low);
      x ^= low;
    }
  }
  return at;
}

function compactPositive(SA: Int32Array, from: number, to: number, k: number): number {
  for (let i = from; i < to; i++) {
    const v = SA[i]!;
    if (v > 0) SA[k++] = v;
  }
  return k;
}

/**
 * Baseline for the benchmark: the suffix array by comparison sort (`Array.prototype.sort` with a
 * suffix comparator). O(n log n) comparisons of up to O(n) symbols each.
 */
export function buildSuffixArrayByComparisonSort(parameters: { tokens: SymbolArray }): Int32Array {
  const T = parameters.tokens;
  const n = T.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    while (a < n && b < n) {
      const d = T[a]! - T[b]!;
      if (d !== 0) return d;
      a++;
      b++;
    }
    return a === n ? -1 : 1;
  });
  return Int32Array.from(order);
}
