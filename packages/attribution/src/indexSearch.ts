/**
 * Searching a whole index snapshot: fan out over the segments and subtract each segment's removed
 * documents, so that every answer counts live documents only.
 */
import type { IndexSnapshot, SegmentEntry } from './attributionIndex.js';
import { checkQueryText, checkTokenIds } from './checkTokenIds.js';
import type { ContributionId } from './contributionId.js';
import { EmptyTextError, InvalidInputError } from './errors.js';
import { documentAt, longestPrefixMatch, type SegmentData, suffixRange, toDense } from './segment.js';
import { indexTokenize, type TokenizeReturnType } from './tokenizer.js';

/** A query translated into every segment's dense vocabulary. */
export type PreparedQuery = {
  /** The encoding's token ids. */
  ids: Uint32Array;
  /** Per segment of the snapshot (same order): dense ids, -1 where the segment lacks the token. */
  dense: Int32Array[];
};

/** Translates token ids for every segment of a snapshot. */
export function prepareQuery(snapshot: IndexSnapshot, ids: Uint32Array): PreparedQuery {
  return { ids, dense: snapshot.segments.map((e) => toDense(e.segment, ids)) };
}

/**
 * Input of a query: text (normalized and tokenized as the index's documents are) or token ids of
 * the encoding (of normalized text).
 */
export type QueryInput = { text?: string | undefined; tokens?: ArrayLike<number> | undefined };

/**
 * Checks and tokenizes a query's input: empty or whitespace-only text, and text over the index's
 * limit, are errors.
 */
export function queryTokens(
  snapshot: IndexSnapshot,
  input: QueryInput,
): TokenizeReturnType & { text: string | null } {
  if (typeof input.text === 'string') {
    const text = input.text;
    checkQueryText(text, snapshot);
    const tokens = indexTokenize({ text });
    if (tokens.ids.length === 0 || text.trim().length === 0) throw new EmptyTextError();
    return { ...tokens, text };
  }
  if (input.tokens !== undefined) {
    const tokens = input.tokens;
    if (tokens.length === 0) throw new EmptyTextError(['no tokens']);
    const ids = checkTokenIds(tokens, snapshot);
    const offsets = Uint32Array.from(ids, (_, i) => i);
    return { ids, charStarts: offsets, charEnds: Uint32Array.from(ids, (_, i) => i + 1), text: null };
  }
  throw new InvalidInputError('Give text or tokens');
}

/**
 * Occurrences of token pairs per segment (and per removed-documents index), cached: neither changes
 * once built (a takedown builds a new removed index), and tracing asks for the pair each token ends
 * (its information), which answers keep repeating. A full cache starts over.
 */
const pairCounts = new WeakMap<SegmentData, Map<number, number>>();
const PAIR_CACHE_ENTRIES = 1 << 16;
/** First dense ids below this give exact pair keys (a · 2^32 + b stays a safe integer). */
const PAIR_KEY_FIRST_LIMIT = 1 << 21;

function rangeSize(
  entry: SegmentEntry,
  dense: Int32Array,
  start: number,
  length: number,
  removed: boolean,
): number {
  const segment = removed ? entry.removed.index : entry.segment;
  if (!segment) return 0;
  if (length !== 2) return uncachedRangeSize(segment, dense, start, length);
  const first = dense[start]!;
  const second = dense[start + 1]!;
  if (first <= 0 || second < 0 || first >= PAIR_KEY_FIRST_LIMIT)
    return uncachedRangeSize(segment, dense, start, 2);
  let cache = pairCounts.get(segment);
  if (!cache) {
    cache = new Map();
    pairCounts.set(segment, cache);
  }
  const key = first * 0x1_0000_0000 + second;
  let count = cache.get(key);
  if (count === undefined) {
    count = uncachedRangeSize(segment, dense, start, 2);
    if (cache.size >= PAIR_CACHE_ENTRIES) cache.clear();
    cache.set(key, count);
  }
  return count;
}

function uncachedRangeSize(segment: SegmentData, dense: Int32Array, start: number, length: number): number {
  const { lo, hi } = suffixRange(segment, dense, start, length);
  return hi - lo;
}

/** Live occurrences of `dense[start, start + length)` in one segment. */
export function liveCountInSegment(
  entry: SegmentEntry,
  dense: Int32Array,
  start: number,
  length: number,
): number {
  const all = rangeSize(entry, dense, start, length, false);
  if (all === 0 || !entry.removed.index) return all;
  return all - rangeSize(entry, dense, start, length, true);
}

/** Live occurrences of the query's tokens `[start, start + length)` in the whole snapshot. */
export function liveCount(
  snapshot: IndexSnapshot,
  query: PreparedQuery,
  start: number,
  length: number,
): number {
  let total = 0;
  snapshot.segments.forEach((entry, s) => {
    total += liveCountInSegment(entry, query.dense[s]!, start, length);
  });
  return total;
}

/** Live occurrences of a single token (by query position) in the snapshot. */
export function liveUnigramCount(snapshot: IndexSnapshot, query: PreparedQuery, position: number): number {
  let total = 0;
  snapshot.segments.forEach((entry, s) => {
    const d = query.dense[s]![position]!;
    if (d <= 0) return;
    total += entry.segment.bucketStarts[d + 1]! - entry.segment.bucketStarts[d]!;
    const removed = entry.removed.index;
    if (removed) total -= removed.bucketStarts[d + 1]! - removed.bucketStarts[d]!;
  });
  return total;
}

/**
 * For every position i of the query, the length of the longest token sequence starting at i that
 * occurs in a live document of the snapshot.
 */
export function liveLongestMatches(snapshot: IndexSnapshot, query: PreparedQuery): Int32Array {
  const m = query.ids.length;
  const best = new Int32Array(m);
  snapshot.segments.forEach((entry, s) => {
    const dense = query.dense[s]!;
    const removed = entry.removed.index;
    let previous = 0;
    for (let i = 0; i < m; i++) {
      let length = longestPrefixMatch(entry.segment, dense, i, m);
      if (length > 0 && removed) {
        const first = dense[i]!;
        if (removed.bucketStarts[first + 1]! > removed.bucketStarts[first]!) {
          length = liveLength(entry, dense, i, Math.max(0, previous - 1), length);
        }
      }
      previous = length;
      if (length > best[i]!) best[i] = length;
    }
  });
  return best;
}

/**
 * Largest length in [known, upTo] whose prefix has a live occurrence, given that `known` has one
 * (a match at i - 1 of length ℓ gives one of ℓ - 1 at i) and the count only falls with length.
 */
function liveLength(
  entry: SegmentEntry,
  dense: Int32Array,
  start: number,
  known: number,
  upTo: number,
): number {
  if (liveCountInSegment(entry, dense, start, upTo) > 0) return upTo;
  let lo = known;
  let hi = upTo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (liveCountInSegment(entry, dense, start, mid) > 0) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Where a token sequence occurs. */
export type Occurrence = {
  /** Index-wide document id. */
  documentId: number;
  contributionId: ContributionId;
  contributor: string;
  datanetId: string | null;
  /** Token offset of the occurrence within its document. */
  tokenOffset: number;
  /** Segment file holding the document. */
  segment: string;
};

/**
 * Live occurrences of the query's tokens `[start, start + length)`, at most `limit`, in segment
 * order and within a segment in suffix-array order (deterministic for a given index root).
 */
export function liveOccurrences(
  snapshot: IndexSnapshot,
  query: PreparedQuery,
  start: number,
  length: number,
  limit: number,
): Occurrence[] {
  const out: Occurrence[] = [];
  for (let s = 0; s < snapshot.segments.length && out.length < limit; s++) {
    const entry = snapshot.segments[s]!;
    const segment = entry.segment;
    const { lo, hi } = suffixRange(segment, query.dense[s]!, start, length);
    const removed = entry.removed.removedContributions;
    for (let x = lo; x < hi && out.length < limit; x++) {
      const position = segment.suffixArray.get(x);
      const document = documentAt(segment, position);
      const c = segment.documentContributions[document]!;
      if (removed[c]) continue;
      const record = segment.contributions[c]!;
      out.push({
        documentId: segment.documentIds[document]!,
        contributionId: record.contributionId,
        contributor: record.contributor,
        datanetId: record.datanetId,
        tokenOffset: position - segment.documentStarts[document]!,
        segment: entry.name,
      });
    }
  }
  return out;
}
