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
import { checkQueryText, checkTokenIds } from './checkTokenIds.js';
import { type ContributionId, compareContributionIds } from './contributionId.js';
import type { Searchable } from './count.js';
import { InvalidInputError } from './errors.js';
import type { Hex32 } from './indexRoot.js';
import { documentAt, type SegmentData, suffixRange, toDense } from './segment.js';
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
    candidates: distribution.candidates.slice(0, limit).map((c) => ({
      token: c.token,
      count: c.count,
      support: search.support(distribution, c),
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
 * A candidate with its blocks: each block is one segment's occurrences of the suffix followed by
 * the token, a suffix-array range; the blocks are `order[first, end)` of the distribution's block
 * table.
 */
export type CandidateBlocks = { token: number; count: number; first: number; end: number };

/**
 * A distribution before support is read. Blocks live in flat arrays (one object per candidate, not
 * per block: a unigram distribution has tens of thousands of candidates).
 */
export type Distribution = {
  suffixLength: number;
  total: number;
  /** Continuations counting removed documents (the sampling budget's denominator). */
  rawTotal: number;
  /** By count (descending), then token (ascending). */
  candidates: CandidateBlocks[];
  sampled: boolean;
  /** Block table: segment, suffix-array range and live occurrences of each block. */
  blockSegment: number[];
  blockLo: number[];
  blockHi: number[];
  blockLive: number[];
  /** Blocks grouped by candidate token (ascending), then segment. */
  order: Uint32Array;
};

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
  /** The unigram distribution, once computed (it does not depend on the context). */
  #unigram: Distribution | null = null;
  /** Token id → candidate index + 1 while a distribution is grouped (else all 0). */
  #slots: Int32Array | null = null;

  constructor(snapshot: IndexSnapshot, ids: ArrayLike<number>, options: ResolvedNextTokenOptions) {
    this.snapshot = snapshot;
    this.options = options;
    const all = Uint32Array.from(ids);
    this.#ids = Array.from(all);
    this.#dense = snapshot.segments.map((e) => {
      const dense = new Int32Array(Math.max(16, all.length * 2));
      dense.set(toDense(e.segment, all));
      return dense;
    });
  }

  #tokenSlots(): Int32Array {
    if (!this.#slots) {
      let max = 0;
      for (const e of this.snapshot.segments) {
        const v = e.segment.vocabulary;
        if (v.length > 0 && v[v.length - 1]! > max) max = v[v.length - 1]!;
      }
      this.#slots = new Int32Array(max + 1);
    }
    return this.#slots;
  }

  /** Tokens in the context. */
  get length(): number {
    return this.#ids.length;
  }

  /** Appends a token (an encoding id) to the context. */
  push(token: number): void {
    const at = this.#ids.length;
    this.#ids.push(token);
    const one = Uint32Array.of(token);
    this.snapshot.segments.forEach((e, s) => {
      let dense = this.#dense[s]!;
      if (at >= dense.length) {
        const grown = new Int32Array(dense.length * 2);
        grown.set(dense);
        dense = grown;
        this.#dense[s] = dense;
      }
      dense[at] = toDense(e.segment, one)[0]!;
    });
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
    snapshot.segments.forEach((entry, s) => {
      const dense = this.#dense[s]!;
      const { lo, hi } = suffixRange(entry.segment, dense, start, length);
      if (lo === hi) return;
      total += hi - firstContinuation(entry.segment, lo, hi, length);
      const removed = entry.removed.index;
      if (!removed) return;
      const r = suffixRange(removed, dense, start, length);
      if (r.lo < r.hi) total -= r.hi - firstContinuation(removed, r.lo, r.hi, length);
    });
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
    if (length === 0 && this.#unigram) return this.#unigram;
    const snapshot = this.snapshot;
    const blockToken: number[] = [];
    const blockSegment: number[] = [];
    const blockLo: number[] = [];
    const blockHi: number[] = [];
    const blockLive: number[] = [];
    let rawTotal = 0;
    const add = (token: number, s: number, lo: number, hi: number, live: number) => {
      rawTotal += hi - lo;
      if (live === 0) return;
      blockToken.push(token);
      blockSegment.push(s);
      blockLo.push(lo);
      blockHi.push(hi);
      blockLive.push(live);
    };
    const start = this.#ids.length - length;
    snapshot.segments.forEach((entry, s) => {
      const segment = entry.segment;
      const removed = entry.removed.index;
      const vocabulary = segment.vocabulary;
      if (length === 0) {
        const buckets = segment.bucketStarts;
        const removedBuckets = removed?.bucketStarts;
        for (let d = 1; d < buckets.length - 1; d++) {
          const lo = buckets[d]!;
          const hi = buckets[d + 1]!;
          if (lo === hi) continue;
          const gone = removedBuckets ? removedBuckets[d + 1]! - removedBuckets[d]! : 0;
          add(vocabulary[d - 1]!, s, lo, hi, hi - lo - gone);
        }
        return;
      }
      const dense = this.#dense[s]!;
      const { lo, hi } = suffixRange(segment, dense, start, length);
      if (lo === hi) return;
      const first = firstContinuation(segment, lo, hi, length);
      if (first === hi) return;
      let gone: Map<number, number> | null = null;
      if (removed) {
        const r = suffixRange(removed, dense, start, length);
        if (r.lo < r.hi) {
          const removedMap = new Map<number, number>();
          forEachBlock(removed, firstContinuation(removed, r.lo, r.hi, length), r.hi, length, (d, a, b) =>
            removedMap.set(d, b - a),
          );
          gone = removedMap;
        }
      }
      forEachBlock(segment, first, hi, length, (d, a, b) => {
        add(vocabulary[d - 1]!, s, a, b, b - a - (gone?.get(d) ?? 0));
      });
    });
    // Group blocks by token (a counting sort through a token → candidate table), then rank.
    const slots = this.#tokenSlots();
    const byBlock = new Int32Array(blockToken.length);
    const grouped: CandidateBlocks[] = [];
    let total = 0;
    for (let k = 0; k < blockToken.length; k++) {
      const token = blockToken[k]!;
      let c = slots[token]!;
      if (c === 0) {
        grouped.push({ token, count: 0, first: 0, end: 0 });
        c = grouped.length;
        slots[token] = c;
      }
      byBlock[k] = c - 1;
      const candidate = grouped[c - 1]!;
      candidate.count += blockLive[k]!;
      candidate.end++;
      total += blockLive[k]!;
    }
    let at = 0;
    let most = 0;
    for (const candidate of grouped) {
      candidate.first = at;
      at += candidate.end;
      candidate.end = candidate.first;
      if (candidate.count > most) most = candidate.count;
    }
    const order = new Uint32Array(blockToken.length);
    for (let k = 0; k < blockToken.length; k++) order[grouped[byBlock[k]!]!.end++] = k;
    const candidates = rankCandidates(grouped, most, slots);
    for (const candidate of grouped) slots[candidate.token] = 0;
    const distribution: Distribution = {
      suffixLength: length,
      total,
      rawTotal,
      candidates,
      sampled: total > this.options.maxOccurrences,
      blockSegment,
      blockLo,
      blockHi,
      blockLive,
      order,
    };
    if (length === 0) this.#unigram = distribution;
    return distribution;
  }

  /** The contributions that hold a candidate's occurrences (a subset when the distribution is sampled). */
  support(distribution: Distribution, candidate: CandidateBlocks): TokenSupport[] {
    const snapshot = this.snapshot;
    const budget = this.options.maxOccurrences;
    const out = new Map<ContributionId, TokenSupport>();
    for (let j = candidate.first; j < candidate.end; j++) {
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
 * Sorts candidates by count (descending), then token: as one numeric sort of the keys
 * count · 2^b + (2^b − 1 − token) when they fit in a double's 53 bits (a comparator sort of tens of
 * thousands of objects costs ten times more), mapped back through `slots` (token → candidate + 1);
 * else by comparator.
 */
function rankCandidates(candidates: CandidateBlocks[], most: number, slots: Int32Array): CandidateBlocks[] {
  const n = candidates.length;
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(slots.length)));
  if (most * scale >= 2 ** 53) {
    return [...candidates].sort((a, b) => b.count - a.count || a.token - b.token);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = candidates[i]!.count * scale + (scale - 1 - candidates[i]!.token);
  keys.sort();
  const ranked = new Array<CandidateBlocks>(n);
  for (let i = 0; i < n; i++) ranked[i] = candidates[slots[scale - 1 - (keys[n - 1 - i]! % scale)]! - 1]!;
  return ranked;
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
 * Splits the suffix-array range [lo, hi) of an n-gram of `length` tokens into runs of equal next
 * token (non-decreasing across the range), calling `visit(dense id, from, to)` for each, in order.
 * Each run's end is found by galloping then bisecting: O(log run) reads.
 */
function forEachBlock(
  segment: SegmentData,
  lo: number,
  hi: number,
  length: number,
  visit: (dense: number, from: number, to: number) => void,
): void {
  const T = segment.tokens;
  const sa = segment.suffixArray;
  let x = lo;
  while (x < hi) {
    const d = T[sa.get(x) + length]!;
    let known = x;
    let step = 1;
    let probe = x + 1;
    while (probe < hi && T[sa.get(probe) + length] === d) {
      known = probe;
      step *= 2;
      probe = x + step;
    }
    let l = known + 1;
    let h = Math.min(probe, hi);
    while (l < h) {
      const mid = (l + h) >>> 1;
      if (T[sa.get(mid) + length] === d) l = mid + 1;
      else h = mid;
    }
    visit(d, x, l);
    x = l;
  }
}
