/**
 * A segment: an immutable suffix-array index over a batch of documents.
 *
 * Text layout: the documents' tokens, remapped to a dense vocabulary (dense id d ≥ 1 stands for
 * the encoding's token `vocabulary[d - 1]`, ids in ascending order of the encoding's ids), each
 * document followed by the separator 0. Query patterns never contain 0, so no match can run across
 * a document boundary. Corpora with fewer than 65,536 distinct tokens store 2 bytes per token.
 */
import type { ContributionId } from './contributionId.js';
import { InvalidInputError } from './errors.js';
import { bitsFor, type PackedIntArray, packInPlaceSteps } from './packedIntArray.js';
import { runSteps, type Steps } from './steps.js';
import { type BuildArena, createBuildArena, suffixArraySteps, wasmBuildThreshold } from './suffixArray.js';

/** Who a document belongs to. */
export type ContributionRecord = {
  contributionId: ContributionId;
  /** The contributor's address or account id. */
  contributor: string;
  /** The datanet the contribution was made to, as a decimal uint256 string, when known. */
  datanetId: string | null;
};

export type SegmentData = {
  /** Dense token ids; 0 separates (and ends) documents. */
  tokens: Uint16Array | Uint32Array;
  /** Suffix array of `tokens` (positions in lexicographic order of their suffixes). */
  suffixArray: PackedIntArray;
  /** `vocabulary[d - 1]` is the encoding's token id of dense id d (ascending). */
  vocabulary: Uint32Array;
  /**
   * Suffixes starting with dense id d occupy `[bucketStarts[d], bucketStarts[d + 1])` of the suffix
   * array (d = 0: the separators); so the corpus count of d is the bucket's size.
   */
  bucketStarts: Uint32Array;
  /** Document k's tokens are `[documentStarts[k], documentStarts[k + 1] - 1)`; its separator follows. */
  documentStarts: Uint32Array;
  /** Index-wide document id of each document (ascending within a segment). */
  documentIds: Uint32Array;
  /** Index into `contributions` of each document. */
  documentContributions: Uint32Array;
  contributions: readonly ContributionRecord[];
};

/** A segment with derived figures. */
export type Segment = SegmentData & {
  /** Tokens in documents (separators excluded). */
  tokenCount: number;
  documentCount: number;
};

/** One document to put in a segment. */
export type SegmentDocument = {
  documentId: number;
  /** Index into the segment's contributions. */
  contribution: number;
  /** The encoding's token ids. */
  tokens: Uint32Array;
};

export type BuildSegmentParameters = {
  /** Documents in ascending `documentId` order. */
  documents: readonly SegmentDocument[];
  contributions: readonly ContributionRecord[];
  /** The dense vocabulary to use (must contain every token); derived from the documents when absent. */
  vocabulary?: Uint32Array | undefined;
};

/**
 * Builds a segment synchronously (for large ones, drive {@link buildSegmentSteps} with
 * `runStepsAsync`).
 * @example
 * const segment = buildSegment({ documents: [{ documentId: 0, contribution: 0, tokens }], contributions });
 */
export function buildSegment(parameters: BuildSegmentParameters): Segment {
  return runSteps(buildSegmentSteps(parameters));
}

/** {@link buildSegment} as steps. */
export function* buildSegmentSteps(parameters: BuildSegmentParameters): Steps<Segment> {
  const layout = yield* layOutSteps(parameters);
  return yield* finishSegmentSteps(layout);
}

/** A segment's text and tables before its suffix array is built. */
export type SegmentLayout = Omit<SegmentData, 'suffixArray' | 'bucketStarts'> & {
  /** Occurrences of each dense id (index 0: separators). */
  counts: Uint32Array;
  /** The WebAssembly arena `tokens` lives in, when it was allocated by {@link allocateSegmentText}. */
  arena?: BuildArena | null | undefined;
};

/**
 * The array for a segment's text: for a large segment, inside a WebAssembly build arena (the
 * suffix array is then built there, with no copy), else a plain array. 2 bytes per token when the
 * alphabet (vocabulary + separator) fits, else 4.
 * @example
 * const { tokens, arena } = allocateSegmentText({ length: total, alphabetSize: vocabulary.length + 1 });
 */
export function allocateSegmentText(parameters: { length: number; alphabetSize: number }): {
  tokens: Uint16Array | Uint32Array;
  arena: BuildArena | null;
} {
  const { length, alphabetSize } = parameters;
  const tokenWidth = alphabetSize <= 65_536 ? 2 : 4;
  const arena = length >= wasmBuildThreshold ? createBuildArena({ length, tokenWidth, alphabetSize }) : null;
  if (arena) return { tokens: arena.tokens, arena };
  return { tokens: tokenWidth === 2 ? new Uint16Array(length) : new Uint32Array(length), arena: null };
}

function* layOutSteps(parameters: BuildSegmentParameters): Steps<SegmentLayout> {
  const { documents, contributions } = parameters;
  let total = 0;
  let previousId = -1;
  for (const document of documents) {
    if (!(document.documentId > previousId)) {
      throw new InvalidInputError('Segment documents must be in ascending documentId order');
    }
    if (!(document.contribution >= 0 && document.contribution < contributions.length)) {
      throw new InvalidInputError('Segment document refers to an unknown contribution');
    }
    previousId = document.documentId;
    total += document.tokens.length + 1;
  }
  const vocabulary = parameters.vocabulary ?? collectVocabulary(documents);
  yield;
  const denseOf = denseTable(vocabulary);
  const alphabet = vocabulary.length + 1;
  const { tokens, arena } = allocateSegmentText({ length: total, alphabetSize: alphabet });
  const counts = new Uint32Array(alphabet);
  const documentStarts = new Uint32Array(documents.length + 1);
  const documentIds = new Uint32Array(documents.length);
  const documentContributions = new Uint32Array(documents.length);
  let at = 0;
  let sinceYield = 0;
  for (let k = 0; k < documents.length; k++) {
    const document = documents[k]!;
    documentStarts[k] = at;
    documentIds[k] = document.documentId;
    documentContributions[k] = document.contribution;
    const source = document.tokens;
    for (let i = 0; i < source.length; i++) {
      const id = source[i]!;
      const d = id < denseOf.length ? denseOf[id]! : 0;
      if (d === 0) throw new InvalidInputError('Token missing from the segment vocabulary', [`token ${id}`]);
      tokens[at++] = d;
      counts[d]!++;
    }
    tokens[at++] = 0;
    counts[0]!++;
    sinceYield += source.length;
    if (sinceYield > 1 << 18) {
      sinceYield = 0;
      yield;
    }
  }
  documentStarts[documents.length] = at;
  return {
    tokens,
    arena,
    vocabulary,
    counts,
    documentStarts,
    documentIds,
    documentContributions,
    contributions,
  };
}

function collectVocabulary(documents: readonly SegmentDocument[]): Uint32Array {
  let max = 0;
  for (const document of documents) for (const id of document.tokens) if (id > max) max = id;
  const seen = new Uint8Array(max + 1);
  for (const document of documents) for (const id of document.tokens) seen[id] = 1;
  let size = 0;
  for (let id = 0; id <= max; id++) size += seen[id]!;
  const vocabulary = new Uint32Array(size);
  let d = 0;
  for (let id = 0; id <= max; id++) if (seen[id]) vocabulary[d++] = id;
  return vocabulary;
}

/** Encoding id → dense id (1-based; 0 = absent) for a sorted vocabulary. */
function denseTable(vocabulary: Uint32Array): Int32Array {
  const max = vocabulary.length > 0 ? vocabulary[vocabulary.length - 1]! : 0;
  const table = new Int32Array(max + 1);
  for (let d = 0; d < vocabulary.length; d++) table[vocabulary[d]!] = d + 1;
  return table;
}

/** Builds the suffix array of a laid-out segment and packs it. */
export function* finishSegmentSteps(layout: SegmentLayout): Steps<Segment> {
  const { counts, arena, ...rest } = layout;
  const bucketStarts = new Uint32Array(counts.length + 1);
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    bucketStarts[d] = sum;
    sum += counts[d]!;
  }
  bucketStarts[counts.length] = sum;
  const { sa, steps } = suffixArraySteps({ tokens: layout.tokens, alphabetSize: counts.length, arena });
  yield* steps;
  // Packed in place: the words view the suffix array's own buffer (no second copy at build time;
  // the spare 4 − bits/8 bytes per token are released when the segment is next read from disk).
  const suffixArray = yield* packInPlaceSteps({ values: sa, bits: bitsFor(layout.tokens.length) });
  return withFigures({ ...rest, suffixArray, bucketStarts });
}

/** Adds the derived figures to segment data. */
export function withFigures(data: SegmentData): Segment {
  const documentCount = data.documentIds.length;
  return { ...data, tokenCount: data.tokens.length - documentCount, documentCount };
}

/** The document (index within the segment) that holds text position `position`. */
export function documentAt(segment: SegmentData, position: number): number {
  const starts = segment.documentStarts;
  let lo = 0;
  let hi = starts.length - 1;
  // Largest k with starts[k] <= position.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= position) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The encoding's token ids at text positions [from, to) of a segment (no separator among them). */
export function encodingIds(segment: SegmentData, from: number, to: number): Uint32Array {
  const { tokens, vocabulary } = segment;
  const ids = new Uint32Array(to - from);
  for (let i = from; i < to; i++) ids[i - from] = vocabulary[tokens[i]! - 1]!;
  return ids;
}

/** Dense ids of the encoding's token ids in this segment's vocabulary (-1 where absent). */
export function toDense(segment: SegmentData, ids: Uint32Array): Int32Array {
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = denseId(segment, ids[i]!);
  return out;
}

/** The dense id of one encoding token id in this segment's vocabulary (-1 where absent). */
export function denseId(segment: SegmentData, id: number): number {
  const at = sortedIndexOf(segment.vocabulary, id);
  return at < 0 ? -1 : at + 1;
}

/** Where `value` stands in an ascending array (binary search), or -1. */
export function sortedIndexOf(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === value ? lo : -1;
}

/**
 * Length of the longest prefix of `pattern[start, end)` that occurs in the segment (0 if even its
 * first token does not). One binary search over the suffix array, skipping the prefix already known
 * to match both bounds.
 */
export function longestPrefixMatch(
  segment: SegmentData,
  pattern: Int32Array,
  start: number,
  end: number,
): number {
  const m = end - start;
  if (m <= 0) return 0;
  const first = pattern[start]!;
  if (first <= 0) return 0;
  const buckets = segment.bucketStarts;
  let l = buckets[first]!;
  let h = buckets[first + 1]!;
  if (l >= h) return 0;
  if (m === 1) return 1;
  const T = segment.tokens;
  const sa = segment.suffixArray;
  // Invariant: suffixes in [bucket start, l) are < pattern, [h, bucket end) are ≥ pattern; llcp and
  // hlcp are the pattern's common prefix with the suffixes at l - 1 and h (1 inside the bucket).
  let llcp = 1;
  let hlcp = 1;
  while (l < h) {
    const mid = (l + h) >>> 1;
    const position = sa.get(mid);
    let k = Math.min(llcp, hlcp);
    while (k < m && T[position + k] === pattern[start + k]) k++;
    if (k === m || T[position + k]! > pattern[start + k]!) {
      h = mid;
      hlcp = k;
    } else {
      l = mid + 1;
      llcp = k;
    }
  }
  return Math.max(llcp, hlcp);
}

/**
 * The suffix-array range `[lo, hi)` of suffixes that start with `pattern[start, start + length)`
 * (empty when it does not occur).
 */
export function suffixRange(
  segment: SegmentData,
  pattern: Int32Array,
  start: number,
  length: number,
): { lo: number; hi: number } {
  if (length <= 0) return { lo: 0, hi: segment.suffixArray.length };
  const first = pattern[start]!;
  if (first <= 0) return { lo: 0, hi: 0 };
  const buckets = segment.bucketStarts;
  const bucketLo = buckets[first]!;
  const bucketHi = buckets[first + 1]!;
  if (length === 1 || bucketLo >= bucketHi) return { lo: bucketLo, hi: bucketHi };
  const lo = searchBound(segment, pattern, start, length, bucketLo, bucketHi, false);
  const hi = searchBound(segment, pattern, start, length, lo, bucketHi, true);
  return { lo, hi };
}

/**
 * First index in [l, h) whose suffix is ≥ the pattern (upper = false) or > every suffix that starts
 * with the pattern (upper = true). All suffixes in [l, h) share the pattern's first token.
 */
function searchBound(
  segment: SegmentData,
  pattern: Int32Array,
  start: number,
  m: number,
  l: number,
  h: number,
  upper: boolean,
): number {
  const T = segment.tokens;
  const sa = segment.suffixArray;
  let llcp = 1;
  let hlcp = 1;
  while (l < h) {
    const mid = (l + h) >>> 1;
    const position = sa.get(mid);
    let k = Math.min(llcp, hlcp);
    while (k < m && T[position + k] === pattern[start + k]) k++;
    const goLow = k === m ? upper === false : T[position + k]! > pattern[start + k]!;
    if (goLow) {
      h = mid;
      hlcp = k;
    } else {
      l = mid + 1;
      llcp = k;
    }
  }
  return l;
}
