/**
 * Suffix-array construction by induced sorting (SA-IS, Nong, Zhang & Chan 2009), written for
 * token arrays: 2-byte (`Uint16Array`) and 4-byte (`Uint32Array`) alphabets, with a virtual
 * sentinel after the last token that is smaller than every symbol.
 *
 * This file runs the algorithm as steps (so that a large build can yield to the event loop); the
 * long loops are the kernels of `suffixArrayKernels.ts`, run as WebAssembly (compiled from
 * `native/suffixArray.c`) when the arrays live in a {@link BuildArena}, else as TypeScript.
 *
 * Memory: besides the text and the 4-byte-per-token output, only bucket arrays of the alphabet's
 * size. Suffix types are recomputed from the text when needed (no type array, no LMS bitmap): the
 * lengths and then the names of the LMS substrings are kept at `SA[n1 + ⌊p/2⌋]` (LMS positions are
 * at least two apart), the reduced text is gathered into `SA[n − n1, n)`, the reduced problem is
 * solved in `SA[0, n1)` with its buckets in the space between when they fit, and the LMS positions
 * are listed in text order by one more scan of the types. The sign of an entry during induction
 * says whether its predecessor is S-type, so no pass reads a type array.
 */
import { AttributionError } from './errors.js';
import { type RunStepsAsyncOptions, runSteps, runStepsAsync, type Steps } from './steps.js';
import {
  type BuildArena,
  createBuildArena,
  type Kernels,
  type SymbolArray,
  scriptKernels,
} from './suffixArrayKernels.js';

export { type BuildArena, createBuildArena, type SymbolArray } from './suffixArrayKernels.js';

/** Iterations a step of the builder runs before it yields (between slices of the event loop). */
export const suffixArrayChunk = 1 << 17;
/**
 * Texts at least this long are built in WebAssembly (segments lay such texts out in an arena;
 * others are copied into one); shorter ones with the TypeScript kernels.
 */
export const wasmBuildThreshold = 1 << 20;

export type BuildSuffixArrayParameters = {
  /** The text: symbols in `[0, alphabetSize)`; `arena.tokens` to build in WebAssembly. */
  tokens: SymbolArray;
  /** One more than the largest symbol. */
  alphabetSize: number;
  /** The arena `tokens` lives in (from {@link createBuildArena}); the result goes to `arena.sa`. */
  arena?: BuildArena | null | undefined;
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
 * get the suffix array in `sa`. Without an arena, a text of a million tokens or more is copied
 * into one (WebAssembly kernels), a shorter one is built with the TypeScript kernels.
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
  let arena = parameters.arena ?? null;
  if (arena && arena.tokens !== tokens) {
    throw new AttributionError("tokens must be the arena's own tokens", { code: 'INVALID_INPUT' });
  }
  let text = tokens;
  if (!arena && n >= wasmBuildThreshold) {
    arena = createBuildArena({ length: n, tokenWidth: tokens.BYTES_PER_ELEMENT as 2 | 4, alphabetSize });
    if (arena) {
      arena.tokens.set(tokens);
      text = arena.tokens;
    }
  }
  const sa = arena ? arena.sa : new Int32Array(n);
  const space: Space = {
    kernels: arena ? arena.kernels : scriptKernels,
    take: (length) => arena?.take(length) ?? new Int32Array(length),
  };
  return { sa, steps: sais(text, sa, n, alphabetSize, space, null) };
}

/** Where kernels and scratch arrays come from. */
type Space = { kernels: Kernels; take(length: number): Int32Array };

/** A type scan's state between kernel calls: next is S-type, next symbol, a counter. */
function scanState(space: Space, next: number, counter: number): Int32Array {
  const st = space.take(4);
  st[0] = 0;
  st[1] = next;
  st[2] = counter;
  return st;
}

/** Runs a right-to-left kernel over [0, n − 2] in chunks. */
function* downFrom(last: number, run: (from: number, to: number) => void): Steps<void> {
  for (let from = last; from >= 0; from -= suffixArrayChunk) {
    run(from, Math.max(-1, from - suffixArrayChunk));
    yield;
  }
}

/** Runs a left-to-right kernel over [start, end) in chunks. */
function* upTo(start: number, end: number, run: (from: number, to: number) => void): Steps<void> {
  for (let from = start; from < end; from += suffixArrayChunk) {
    run(from, Math.min(end, from + suffixArrayChunk));
    yield;
  }
}

/**
 * SA-IS of `T[0, n)` over symbols `[0, K)` into `SA[0, n)`. `spare`: free memory for this level's
 * buckets (part of the caller's suffix array), when large enough.
 */
function* sais(
  T: SymbolArray,
  SA: Int32Array,
  n: number,
  K: number,
  space: Space,
  spare: Int32Array | null,
): Steps<void> {
  if (n === 0) return;
  if (n === 1) {
    SA[0] = 0;
    return;
  }
  const k = space.kernels;
  const buckets = bucketArrays(T, n, K, space, spare);
  yield* buckets.count();
  yield* fill(SA, 0, n);

  // Stage 1: sort the LMS substrings by induction from the LMS positions at their bucket ends.
  let B = yield* buckets.ends();
  const seeds = scanState(space, T[n - 1]!, 0);
  let n1 = 0;
  yield* downFrom(n - 2, (from, to) => {
    n1 += k.seed(T, SA, B, seeds, from, to);
  });
  yield* induce(T, SA, buckets, n, k, true);
  let m = 0;
  yield* upTo(0, n, (from, to) => {
    m = k.compact(SA, from, to, m);
  });

  if (n1 > 0) {
    // Name the LMS substrings (equal ones alike), then gather the names in text order: the
    // reduced text, in SA[n − n1, n).
    const half = SA.subarray(n1);
    yield* fill(SA, n1, n);
    const lengths = scanState(space, T[n - 1]!, n);
    yield* downFrom(n - 2, (from, to) => k.lengths(T, half, lengths, from, to));
    const naming = space.take(4);
    naming.set([-1, 0, 0]);
    yield* upTo(0, n1, (from, to) => k.name(T, SA, half, n, naming, from, to));
    const names = naming[2]!;
    let slot = n - 1;
    for (let from = n - 1; from >= n1; from -= suffixArrayChunk) {
      slot = k.gather(SA, from, Math.max(n1 - 1, from - suffixArrayChunk), slot);
      yield;
    }

    // Stage 2: sort the reduced suffixes (recursively unless every name is distinct).
    const reduced = SA.subarray(n - n1, n);
    const reducedSA = SA.subarray(0, n1);
    if (names < n1) {
      const reducedText = new Uint32Array(reduced.buffer, reduced.byteOffset, n1);
      yield* sais(reducedText, reducedSA, n1, names, space, SA.subarray(n1, n - n1));
    } else {
      yield* upTo(0, n1, (from, to) => k.invert(reduced, reducedSA, from, to));
    }
    // The LMS positions in text order replace the reduced text; ranks become positions.
    const positions = scanState(space, T[n - 1]!, n1 - 1);
    yield* downFrom(n - 2, (from, to) => k.positions(T, reduced, positions, from, to));
    yield* upTo(0, n1, (from, to) => k.mapRanks(reducedSA, reduced, from, to));
  }

  // Stage 3: the sorted LMS suffixes at their bucket ends, then induce every suffix.
  yield* fill(SA, n1, n);
  B = yield* buckets.ends();
  yield* downFrom(n1 - 1, (from, to) => k.place(T, SA, B, from, to));
  yield* induce(T, SA, buckets, n, k, false);
}

/** A level's bucket arrays: bucket pointers (starts or ends) computed from the symbol counts. */
type Buckets = {
  /** Counts the symbols (once). */
  count(): Steps<void>;
  /** Bucket starts / ends, in an array the next call may overwrite. */
  starts(): Steps<Int32Array>;
  ends(): Steps<Int32Array>;
};

/**
 * Counts and pointers in two arrays of the alphabet's size, in the spare part of the caller's
 * suffix array when they fit there; else in one array there, the counts recounted from the text
 * before each use (a reduced problem with many distinct names); else taken from the space.
 */
function bucketArrays(T: SymbolArray, n: number, K: number, space: Space, spare: Int32Array | null): Buckets {
  const k = space.kernels;
  const one = spare && spare.length < 2 * K && spare.length >= K;
  const C = one
    ? spare.subarray(0, K)
    : spare && spare.length >= 2 * K
      ? spare.subarray(0, K)
      : space.take(K);
  const B = one ? C : spare && spare.length >= 2 * K ? spare.subarray(K, 2 * K) : space.take(K);
  function* count(): Steps<void> {
    C.fill(0);
    yield* upTo(0, n, (from, to) => k.count(T, C, from, to));
  }
  function* pointers(atEnd: boolean): Steps<Int32Array> {
    if (one) yield* count();
    let sum = 0;
    for (let from = 0; from < K; from += 1 << 20) {
      const to = Math.min(K, from + (1 << 20));
      for (let c = from; c < to; c++) {
        const size = C[c]!;
        if (atEnd) sum += size;
        B[c] = sum;
        if (!atEnd) sum += size;
      }
      yield;
    }
    return B;
  }
  return { count, starts: () => pointers(false), ends: () => pointers(true) };
}

function* fill(SA: Int32Array, from: number, to: number): Steps<void> {
  for (let at = from; at < to; at += 1 << 22) {
    SA.fill(0, at, Math.min(to, at + (1 << 22)));
    yield;
  }
}

/**
 * Induces L-type suffixes left to right, then S-type suffixes right to left. In stage 1
 * (`sortingLms`) induced-from entries are zeroed, so that afterwards the only positive entries are
 * the LMS suffixes in sorted order; in the final pass the S scan turns entries into positions.
 */
function* induce(
  T: SymbolArray,
  SA: Int32Array,
  buckets: Buckets,
  n: number,
  k: Kernels,
  sortingLms: boolean,
): Steps<void> {
  const starts = yield* buckets.starts();
  // The virtual sentinel (at n) is the smallest suffix: induce its predecessor n − 1 first.
  const j = n - 1;
  const c = T[j]!;
  SA[starts[c]!++] = j > 0 && T[j - 1]! < c ? ~j : j;
  yield* upTo(0, n, (from, to) => k.induceL(T, SA, starts, from, to, sortingLms));
  const ends = yield* buckets.ends();
  yield* downFrom(n - 1, (from, to) => k.induceS(T, SA, ends, from, to, sortingLms));
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
