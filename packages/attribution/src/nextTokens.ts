/**
 * Next-token distributions of the infini-gram (∞-gram) language model over the live index: the
 * longest suffix of the context that occurs in a live document followed by at least one token
 * (back-off), and the counts of the tokens that follow it, each with its support (the
 * contributions whose documents hold those occurrences).
 *
 * In a segment the suffixes that start with an n-gram form one suffix-array range, sorted, so the
 * token after the n-gram is non-decreasing across the range: the range splits into one block per
 * next token (separator 0 first: occurrences at a document's end). Blocks are found by galloping,
 * so the counts are exact at a cost of O(distinct next tokens · log range) per segment, whatever
 * the n-gram's frequency; the removed-documents index is split the same way and subtracted.
 * Supporting occurrences are read one by one (suffix array → document → contribution), from a
 * deterministic subset when there are more than `maxOccurrences` (see {@link NextTokenDistributionParameters}).
 */
import type { IndexSnapshot } from './attributionIndex.js';
import { BlockTable, type RankedCandidates, RankScratch, rankBlocks } from './blockTable.js';
import { checkQueryText, checkTokenIds } from './checkTokenIds.js';
import { type ContributionId, compareContributionIds } from './contributionId.js';
import type { Searchable } from './count.js';
import { InvalidInputError } from './errors.js';
import type { Hex32 } from './indexRoot.js';
import { denseId, documentAt, type SegmentData, suffixRange, toDense } from './segment.js';
import { indexTokenIds } from './tokenizer.js';

/** Default cap on the supporting occurrences read per distribution. */
export const defaultMaxOccurrences = 10_000;

/** Largest accepted `maxOccurrences`. */
export const maxMaxOccurrences = 1_000_000;

/** Occurrences of a continuation held by one contribution. */
export type TokenSupport = {
  contributionId: ContributionId;
  contributor: string;
  datanetId: string | null;
  /** Occurrences of the context suffix followed by the token in this contribution's live documents. */
  occurrences: number;
};

/** A possible next token. */
export type NextTokenCandidate = {
  /** Token id of the encoding (o200k_base). */
  token: number;
  /** Live occurrences of the context suffix followed by this token (exact). */
  count: number;
  /**
   * The contributions holding those occurrences, by occurrences (descending), then contribution
   * id. Exact (occurrences sum to `count`) unless the distribution is `sampled`.
   */
  support: TokenSupport[];
};

/** Options shared by {@link nextTokenDistribution} and `generate`. */
export type NextTokenOptions = {
  /** Longest context suffix to match, in tokens (default: unbounded). */
  maxSuffixLength?: number | undefined;
  /**
   * Most supporting occurrences to read (default 10,000, at most 1,000,000). When the suffix has
   * more live continuations than this, support is read from a deterministic subset: in each
   * segment's block of a candidate (`size` occurrences, suffix-array order), the `k` evenly spaced
   * positions `lo + ⌊i · size / k⌋` with `k = max(1, ⌊size · maxOccurrences / rawTotal⌋)` (rawTotal
   * counting removed occurrences too), skipping removed documents; a block whose picks all fall in
   * removed documents is scanned for its first live occurrence. So every candidate keeps at least
   * one supporting occurrence, about `maxOccurrences` are read in all, and the subset depends only
   * on the index's content (its root). Counts stay exact either way.
   */
  maxOccurrences?: number | undefined;
};

export type NextTokenDistributionParameters = NextTokenOptions & {
  index: Searchable;
  /** The context as token ids of the encoding (empty: the unigram distribution). */
  tokens?: ArrayLike<number> | undefined;
  /** The context as text (normalized and tokenized as documents are); used when `tokens` is absent. */
  text?: string | undefined;
  /** Return only the first this many candidates (default: all); `total` still counts all. */
  limit?: number | undefined;
};

export type NextTokenDistributionReturnType = {
  indexRoot: Hex32;
  /** Tokens of the context suffix that was matched (0: the unigram distribution of the index). */
  suffixLength: number;
  /** Live continuations of that suffix: the sum of all candidates' counts (0: empty index). */
  total: number;
  /** By count (descending), then token id (ascending). */
  candidates: NextTokenCandidate[];
  /** Whether support was read from a subset (`total` > `maxOccurrences`). */
  sampled: boolean;
};

/**
 * The ∞-gram next-token distribution: backs off to the longest suffix of the context that occurs
 * in a live document with a continuation, and counts the tokens that follow it, with support.
 * @example
 * const { suffixLength, candidates } = nextTokenDistribution({ index, text: 'Rivers carry' });
 * candidates[0]; // { token, count, support: [{ contributionId, contributor, datanetId, occurrences }] }
 */
export function nextTokenDistribution(
  parameters: NextTokenDistributionParameters,
): NextTokenDistributionReturnType {
  const snapshot = parameters.index.snapshot;
  const options = resolveNextTokenOptions(parameters);
  const limit = parameters.limit ?? Number.POSITIVE_INFINITY;
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidInputError('limit must be a non-negative integer');
  }
  let ids: ArrayLike<number>;
  if (parameters.tokens !== undefined) ids = checkTokenIds(parameters.tokens, snapshot);
  else if (typeof parameters.text === 'string') {
    checkQueryText(parameters.text, snapshot);
    ids = indexTokenIds({ text: parameters.text });
  } else ids = [];
  const search = new NextTokenSearch(snapshot, ids, options);
  const distribution = search.distribution(search.longestSuffix(search.length));
  return {
    indexRoot: snapshot.root,
    suffixLength: distribution.suffixLength,
    total: distribution.total,
    candidates: Array.from({ length: Math.min(limit, distribution.size) }, (_, r) => ({
      token: distribution.tokens[r]!,
      count: distribution.counts[r]!,
      support: search.support(distribution, r),
    })),
    sampled: distribution.sampled,
  };
}

/** {@link NextTokenOptions} with defaults applied. */
export type ResolvedNextTokenOptions = { maxSuffixLength: number; maxOccurrences: number };

/** Checks next-token options and applies their defaults. */
export function resolveNextTokenOptions(options: NextTokenOptions): ResolvedNextTokenOptions {
  const maxSuffixLength = options.maxSuffixLength ?? Number.POSITIVE_INFINITY;
  if (
    maxSuffixLength !== Number.POSITIVE_INFINITY &&
    (!Number.isSafeInteger(maxSuffixLength) || maxSuffixLength < 0)
  ) {
    throw new InvalidInputError('maxSuffixLength must be a non-negative integer');
  }
  const maxOccurrences = options.maxOccurrences ?? defaultMaxOccurrences;
  if (!Number.isSafeInteger(maxOccurrences) || maxOccurrences < 1 || maxOccurrences > maxMaxOccurrences) {
    throw new InvalidInputError(`maxOccurrences must be an integer in [1, ${maxMaxOccurrences}]`);
  }
  return { maxSuffixLength, maxOccurrences };
}

/**
 * A distribution before support is read: its candidates ranked (candidate r, 0 the most frequent)
 * and its block table (segment, suffix-array range and live occurrences of each block), in flat
 * arrays (`blockTable.ts`). They are space shared by the thread's searches, valid until the next
 * `distribution` of any search (the unigram distribution's are its own: it is kept).
 */
export type Distribution = RankedCandidates & {
  suffixLength: number;
  /** Continuations counting removed documents (the sampling budget's denominator). */
  rawTotal: number;
  sampled: boolean;
  blockSegment: Uint32Array;
  blockLo: Uint32Array;
  blockHi: Uint32Array;
  blockLive: Uint32Array;
};

/**
 * Space every search on this thread reuses: searches run synchronously, and each distribution is
 * read before the next one is computed (see {@link Distribution}), so generations that interleave
 * (a server yielding between steps) share it safely.
 */
const shared = { blocks: new BlockTable(), scratch: new RankScratch(), slots: new Int32Array(0) };

/** Each snapshot's unigram distribution (it depends on the snapshot alone), in its own arrays. */
const unigrams = new WeakMap<IndexSnapshot, Distribution>();

/**
 * A growing context searched against one snapshot: the engine behind {@link nextTokenDistribution}
 * and generation (which pushes each generated token and searches again).
 */
export class NextTokenSearch {
  readonly snapshot: IndexSnapshot;
  readonly options: ResolvedNextTokenOptions;
  #ids: number[] = [];
  /** Per segment: the context in its dense vocabulary (-1: absent), with spare capacity. */
  #dense: Int32Array[];
  /** The unigram distribution, once read (it does not depend on the context). */
  #unigram: Distribution | null = null;
  /** The largest token id in the snapshot's vocabularies. */
  readonly #maxToken: number;

  constructor(snapshot: IndexSnapshot, ids: ArrayLike<number>, options: ResolvedNextTokenOptions) {
    this.snapshot = snapshot;
    this.options = options;
    const all = Uint32Array.from(ids);
    this.#ids = Array.from(all);
    this.#maxToken = snapshot.segments.reduce((max, e) => Math.max(max, e.segment.vocabulary.at(-1) ?? 0), 0);
    this.#dense = snapshot.segments.map((e) => {
      const dense = new Int32Array(Math.max(16, all.length * 2));
      dense.set(toDense(e.segment, all));
      return dense;
    });
  }

  /** The thread's token → candidate table, large enough for this snapshot's token ids. */
  #tokenSlots(): Int32Array {
    if (shared.slots.length <= this.#maxToken) shared.slots = new Int32Array(this.#maxToken + 1);
    return shared.slots;
  }

  /** Tokens in the context. */
  get length(): number {
    return this.#ids.length;
  }

  /** Appends a token (an encoding id) to the context. */
  push(token: number): void {
    const at = this.#ids.length;
    this.#ids.push(token);
    const segments = this.snapshot.segments;
    for (let s = 0; s < segments.length; s++) {
      let dense = this.#dense[s]!;
      if (at >= dense.length) {
        const grown = new Int32Array(dense.length * 2);
        grown.set(dense);
        dense = grown;
        this.#dense[s] = dense;
      }
      dense[at] = denseId(segments[s]!.segment, token);
    }
  }

  /**
   * Live occurrences of the context's last `length` tokens that a token follows (not at a
   * document's end); for length 0, the live tokens of the index.
   */
  continuations(length: number): number {
    const snapshot = this.snapshot;
    if (length === 0) return snapshot.tokenCount;
    const start = this.#ids.length - length;
    let total = 0;
    for (let s = 0; s < snapshot.segments.length; s++) {
      const entry = snapshot.segments[s]!;
      const dense = this.#dense[s]!;
      const { lo, hi } = suffixRange(entry.segment, dense, start, length);
      if (lo === hi) continue;
      total += hi - firstContinuation(entry.segment, lo, hi, length);
      const removed = entry.removed.index;
      if (!removed) continue;
      const r = suffixRange(removed, dense, start, length);
      if (r.lo < r.hi) total -= r.hi - firstContinuation(removed, r.lo, r.hi, length);
    }
    return total;
  }

  /**
   * The longest suffix length ≤ `upTo` (and ≤ maxSuffixLength) with a live continuation: 0 when
   * none has one. Having a continuation is inherited by shorter suffixes, so this gallops up from 1
   * and then bisects.
   */
  longestSuffix(upTo: number): number {
    const max = Math.min(upTo, this.options.maxSuffixLength, this.#ids.length);
    let good = 0;
    let probe = 1;
    while (probe <= max && this.continuations(probe) > 0) {
      good = probe;
      probe *= 2;
    }
    let bad = Math.min(probe, max + 1);
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      if (this.continuations(mid) > 0) good = mid;
      else bad = mid;
    }
    return good;
  }

  /**
   * The longest suffix with a continuation after one token was pushed, given the previous one:
   * it is at most one longer (the new suffix minus its last token is a suffix of the old context
   * that this token followed).
   */
  nextSuffix(previous: number): number {
    const max = Math.min(previous + 1, this.options.maxSuffixLength, this.#ids.length);
    if (max > 0 && this.continuations(max) > 0) return max;
    return this.longestSuffix(max - 1);
  }

  /** The counts of the tokens that follow the context's last `length` tokens, with their blocks. */
  distribution(length: number): Distribution {
    if (length > 0) return this.#compute(length);
    this.#unigram ??= this.#unigramOf();
    return this.#unigram;
  }

  /** The distribution after the context's last `length` tokens (0: the unigram, in its own arrays). */
  #compute(length: number): Distribution {
    const segments = this.snapshot.segments;
    const blocks = shared.blocks;
    blocks.size = 0;
    let rawTotal = 0;
    const start = this.#ids.length - length;
    for (let s = 0; s < segments.length; s++) {
      const { segment, removed } = segments[s]!;
      const vocabulary = segment.vocabulary;
      if (length === 0) {
        const buckets = segment.bucketStarts;
        const removedBuckets = removed.index?.bucketStarts;
        for (let d = 1; d < buckets.length - 1; d++) {
          const lo = buckets[d]!;
          const hi = buckets[d + 1]!;
          if (lo === hi) continue;
          rawTotal += hi - lo;
          const live = hi - lo - (removedBuckets ? removedBuckets[d + 1]! - removedBuckets[d]! : 0);
          if (live > 0) blocks.add(vocabulary[d - 1]!, s, lo, hi, live);
        }
        continue;
      }
      const dense = this.#dense[s]!;
      const { lo, hi } = suffixRange(segment, dense, start, length);
      if (lo === hi) continue;
      const first = firstContinuation(segment, lo, hi, length);
      if (first === hi) continue;
      const gone = removed.index ? removedBlocks(removed.index, dense, start, length) : null;
      for (let a = first; a < hi; ) {
        const d = segment.tokens[segment.suffixArray.get(a) + length]!;
        const b = blockEnd(segment, a, d, hi, length);
        rawTotal += b - a;
        const live = b - a - (gone?.get(d) ?? 0);
        if (live > 0) blocks.add(vocabulary[d - 1]!, s, a, b, live);
        a = b;
      }
    }
    const own = length === 0;
    const ranked = rankBlocks(blocks, this.#tokenSlots(), shared.scratch, own);
    const table = (a: Uint32Array) => (own ? a.slice(0, blocks.size) : a);
    const distribution: Distribution = {
      size: ranked.size,
      total: ranked.total,
      tokens: ranked.tokens,
      counts: ranked.counts,
      first: ranked.first,
      end: ranked.end,
      order: ranked.order,
      suffixLength: length,
      rawTotal,
      sampled: ranked.total > this.options.maxOccurrences,
      blockSegment: table(blocks.segment),
      blockLo: table(blocks.lo),
      blockHi: table(blocks.hi),
      blockLive: table(blocks.live),
    };
    return distribution;
  }

  /** The unigram distribution: the snapshot's (computed once), with this search's `sampled`. */
  #unigramOf(): Distribution {
    let unigram = unigrams.get(this.snapshot);
    if (!unigram) {
      unigram = this.#compute(0);
      unigrams.set(this.snapshot, unigram);
    }
    return { ...unigram, sampled: unigram.total > this.options.maxOccurrences };
  }

  /** The contributions that hold candidate r's occurrences (a subset when the distribution is sampled). */
  support(distribution: Distribution, r: number): TokenSupport[] {
    const snapshot = this.snapshot;
    const budget = this.options.maxOccurrences;
    const out = new Map<ContributionId, TokenSupport>();
    for (let j = distribution.first[r]!; j < distribution.end[r]!; j++) {
      const b = distribution.order[j]!;
      const lo = distribution.blockLo[b]!;
      const hi = distribution.blockHi[b]!;
      const entry = snapshot.segments[distribution.blockSegment[b]!]!;
      const segment = entry.segment;
      const removed = entry.removed.removedContributions;
      const size = hi - lo;
      const k = distribution.sampled
        ? Math.max(1, Math.floor((size * budget) / distribution.rawTotal))
        : size;
      if (k >= size) {
        for (let x = lo; x < hi; x++) visitOccurrence(segment, removed, x, out);
      } else {
        let found = 0;
        for (let i = 0; i < k; i++) {
          if (visitOccurrence(segment, removed, lo + Math.floor((i * size) / k), out)) found++;
        }
        for (let x = lo; found === 0 && x < hi; x++) if (visitOccurrence(segment, removed, x, out)) found++;
      }
    }
    return [...out.values()].sort(
      (a, b) => b.occurrences - a.occurrences || compareContributionIds(a.contributionId, b.contributionId),
    );
  }
}

/**
 * Credits the occurrence at suffix-array index x to its contribution; false (and no credit) when
 * its document was removed. (A plain function: closures made per block cost more than the work.)
 */
function visitOccurrence(
  segment: SegmentData,
  removed: Uint8Array,
  x: number,
  out: Map<ContributionId, TokenSupport>,
): boolean {
  const c = segment.documentContributions[documentAt(segment, segment.suffixArray.get(x))]!;
  if (removed[c]) return false;
  const record = segment.contributions[c]!;
  const known = out.get(record.contributionId);
  if (known) known.occurrences++;
  else
    out.set(record.contributionId, {
      contributionId: record.contributionId,
      contributor: record.contributor,
      datanetId: record.datanetId,
      occurrences: 1,
    });
  return true;
}

/**
 * First index in the suffix-array range [lo, hi) of an n-gram of `length` tokens whose next token
 * is not the separator (the separator sorts first), or hi.
 */
function firstContinuation(segment: SegmentData, lo: number, hi: number, length: number): number {
  const T = segment.tokens;
  const sa = segment.suffixArray;
  if (T[sa.get(lo) + length] !== 0) return lo;
  let l = lo + 1;
  let h = hi;
  while (l < h) {
    const mid = (l + h) >>> 1;
    if (T[sa.get(mid) + length] === 0) l = mid + 1;
    else h = mid;
  }
  return l;
}

/**
 * In the suffix-array range [lo, hi) of an n-gram of `length` tokens the next token is
 * non-decreasing: the end of the run of next token `d` (dense) that starts at `from`, found by
 * galloping then bisecting (O(log run) reads).
 */
function blockEnd(segment: SegmentData, from: number, d: number, hi: number, length: number): number {
  const T = segment.tokens;
  const sa = segment.suffixArray;
  let known = from;
  let step = 1;
  let probe = from + 1;
  while (probe < hi && T[sa.get(probe) + length] === d) {
    known = probe;
    step *= 2;
    probe = from + step;
  }
  let l = known + 1;
  let h = Math.min(probe, hi);
  while (l < h) {
    const mid = (l + h) >>> 1;
    if (T[sa.get(mid) + length] === d) l = mid + 1;
    else h = mid;
  }
  return l;
}

/** Removed occurrences of the context's suffix in a removed-documents index, by next token (dense id). */
function removedBlocks(
  removed: SegmentData,
  dense: Int32Array,
  start: number,
  length: number,
): Map<number, number> | null {
  const { lo, hi } = suffixRange(removed, dense, start, length);
  if (lo === hi) return null;
  const gone = new Map<number, number>();
  for (let a = firstContinuation(removed, lo, hi, length); a < hi; ) {
    const d = removed.tokens[removed.suffixArray.get(a) + length]!;
    const b = blockEnd(removed, a, d, hi, length);
    gone.set(d, b - a);
    a = b;
  }
  return gone;
}
