/**
 * Span tracing, the OLMoTrace method: for each token position of a model output, the longest
 * sequence starting there that occurs verbatim in the index; keep the maximal ones of at least
 * `minLength` tokens, drop those occurring more than `maxCount` times (too common to say where the
 * output came from) and those rare enough to match by chance (`maxChanceMatches`), rank the rest by
 * rarity (the sum of the tokens' unigram information), and list the documents, contributions and
 * contributors that contain each.
 */
import type { IndexSnapshot } from './attributionIndex.js';
import { type ContributionId, compareContributionIds } from './contributionId.js';
import type { Searchable } from './count.js';
import { InvalidInputError } from './errors.js';
import type { Hex32 } from './indexRoot.js';
import {
  liveCount,
  liveLongestMatches,
  liveOccurrences,
  liveUnigramCount,
  type PreparedQuery,
  prepareQuery,
  type QueryInput,
  queryTokens,
} from './indexSearch.js';
import { microBits } from './spanWeights.js';
import { decodeTokens } from './tokenizer.js';

export type TraceSpansOptions = {
  /** Shortest span kept, in tokens (default 6). */
  minLength?: number | undefined;
  /** Spans occurring more often than this in the index are dropped as uninformative (default 1000). */
  maxCount?: number | undefined;
  /**
   * Spans that could match by chance are dropped: a span of information I bits is kept only if
   * m · N · 2^−I ≤ maxChanceMatches, the expected number of spans at least this rare that an
   * output of m tokens would match by chance in an index of N tokens under a unigram model
   * (default 0.01; `Infinity` turns the filter off).
   */
  maxChanceMatches?: number | undefined;
  /** Keep only the this many rarest spans (default: all). */
  maxSpans?: number | undefined;
  /** Documents listed per span (default 10; contributions and contributors are always complete). */
  maxDocumentsPerSpan?: number | undefined;
};

export type TraceSpansParameters = QueryInput & TraceSpansOptions & { index: Searchable };

/** A document that contains a span. */
export type SpanDocument = {
  documentId: number;
  contributionId: ContributionId;
  contributor: string;
  datanetId: string | null;
  /** Occurrences of the span in this document. */
  occurrences: number;
};

/** A maximal span of the output found verbatim in the index. */
export type TracedSpan = {
  /** Token range in the output, `[tokenStart, tokenEnd)`. */
  tokenStart: number;
  tokenEnd: number;
  /** Character range in the output text, `[charStart, charEnd)` (token positions for token input). */
  charStart: number;
  charEnd: number;
  text: string;
  /** Live occurrences in the index (≤ maxCount). */
  count: number;
  /**
   * Rarity: the sum over the span's tokens of their unigram information, −log2(count / total
   * tokens), in micro-bits (each token's term rounded to an integer, so sums are exact).
   */
  information: number;
  /** Documents containing the span. */
  documentCount: number;
  /** The first `maxDocumentsPerSpan` of them, by document id. */
  documents: SpanDocument[];
  /** All contributions containing the span, in numeric order. */
  contributions: ContributionId[];
  /** All contributors of those contributions, sorted. */
  contributors: string[];
};

/** Overlapping spans merged into one highlighted range of the output. */
export type DisplaySpan = {
  tokenStart: number;
  tokenEnd: number;
  charStart: number;
  charEnd: number;
  /** Indices into `spans`. */
  spans: number[];
};

export type TraceSpansReturnType = {
  indexRoot: Hex32;
  /** Tokens in the output. */
  tokens: number;
  /** Spans, rarest first (ties: earlier first). */
  spans: TracedSpan[];
  /** Kept spans merged where they overlap, in output order. */
  displaySpans: DisplaySpan[];
};

/** Validated options with defaults. */
export type ResolvedTraceOptions = Required<{ [K in keyof TraceSpansOptions]: number }>;

/** Fills in and checks trace options. */
export function resolveTraceOptions(options: TraceSpansOptions): ResolvedTraceOptions {
  const resolved = {
    minLength: options.minLength ?? 6,
    maxCount: options.maxCount ?? 1000,
    maxChanceMatches: options.maxChanceMatches ?? 0.01,
    maxSpans: options.maxSpans ?? Number.MAX_SAFE_INTEGER,
    maxDocumentsPerSpan: options.maxDocumentsPerSpan ?? 10,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (name === 'maxChanceMatches') {
      if (typeof value !== 'number' || !(value > 0)) {
        throw new InvalidInputError('maxChanceMatches must be a positive number', [`got ${value}`]);
      }
    } else if (!Number.isSafeInteger(value) || value < (name === 'maxDocumentsPerSpan' ? 0 : 1)) {
      throw new InvalidInputError(`${name} must be a positive integer`, [`got ${value}`]);
    }
  }
  return resolved;
}

/**
 * Traces the spans of a model output (text, or token ids of the index's encoding) to the indexed
 * documents that contain them verbatim.
 * @example
 * const { spans } = traceSpans({ index, text: modelOutput, minLength: 6, maxCount: 1000 });
 */
export function traceSpans(parameters: TraceSpansParameters): TraceSpansReturnType {
  return traceSpansInDetail(parameters).trace;
}

/** A trace with what weighing its spans needs. */
export type DetailedTrace = {
  trace: TraceSpansReturnType;
  /** Per output token: round(1e6 · log2(N / unigram count)) inside some match, else 0. */
  tokenInformation: Float64Array;
  /** The chance threshold spans passed, micro-bits (−Infinity when off). */
  minInformation: number;
  /** Live tokens in the index snapshot traced against (N). */
  indexTokens: number;
};

/** {@link traceSpans} with the per-token information and the thresholds it used. */
export function traceSpansInDetail(parameters: TraceSpansParameters): DetailedTrace {
  const snapshot = parameters.index.snapshot;
  const options = resolveTraceOptions(parameters);
  const query = queryTokens(snapshot, parameters);
  const prepared = prepareQuery(snapshot, query.ids);
  const { spans, tokenInformation, minInformation } = findSpans(snapshot, prepared, options);
  const text = query.text;
  const traced: TracedSpan[] = spans.map((span) => {
    const charStart = query.charStarts[span.start]!;
    const charEnd = query.charEnds[span.end - 1]!;
    return {
      tokenStart: span.start,
      tokenEnd: span.end,
      charStart: text === null ? span.start : charStart,
      charEnd: text === null ? span.end : charEnd,
      text:
        text === null
          ? decodeTokens({ ids: query.ids.subarray(span.start, span.end) }).text
          : text.slice(charStart, charEnd),
      count: span.count,
      information: span.information,
      ...spanSources(snapshot, prepared, span, options.maxDocumentsPerSpan),
    };
  });
  const trace = {
    indexRoot: snapshot.root,
    tokens: query.ids.length,
    spans: traced,
    displaySpans: mergeForDisplay(traced),
  };
  return { trace, tokenInformation, minInformation, indexTokens: snapshot.tokenCount };
}

type RawSpan = { start: number; end: number; count: number; information: number };

/** Maximal, informative spans ranked by rarity, with the per-token information and threshold. */
function findSpans(
  snapshot: IndexSnapshot,
  query: PreparedQuery,
  options: ResolvedTraceOptions,
): { spans: RawSpan[]; tokenInformation: Float64Array; minInformation: number } {
  const m = query.ids.length;
  // Least information (micro-bits) a span needs to be unlikely to match by chance.
  const minInformation = Number.isFinite(options.maxChanceMatches)
    ? Math.ceil(1e6 * Math.log2((m * snapshot.tokenCount) / options.maxChanceMatches))
    : Number.NEGATIVE_INFINITY;
  if (snapshot.tokenCount === 0 || m === 0)
    return { spans: [], tokenInformation: new Float64Array(m), minInformation };
  const lengths = liveLongestMatches(snapshot, query);
  const information = new TokenInformation(snapshot, query, lengths);
  const spans: RawSpan[] = [];
  for (let i = 0; i < m; i++) {
    const length = lengths[i]!;
    // (i, length) is maximal unless the span at i - 1 contains it (length < lengths[i - 1]).
    if (length < options.minLength || (i > 0 && length < lengths[i - 1]!)) continue;
    const count = liveCount(snapshot, query, i, length);
    if (count > options.maxCount || count === 0) continue;
    let info = 0;
    for (let k = i; k < i + length; k++) info += information.at(k);
    if (info < minInformation) continue;
    spans.push({ start: i, end: i + length, count, information: info });
  }
  spans.sort((a, b) => b.information - a.information || a.start - b.start);
  return { spans: spans.slice(0, options.maxSpans), tokenInformation: information.values, minInformation };
}

/**
 * Each output token's information in micro-bits, from the index's bigram statistics with the
 * occurrence being matched left out: where the pair (previous token, this token) occurs at least
 * twice more in the index (count(pair) ≥ 3), round(1e6 · log2((count(previous) − 1) /
 * (count(pair) − 1))); else round(1e6 · log2(N / count(this))). So the pieces of a phrase that many
 * documents repeat (a licence URL, "LGPL-2.1+") carry little, while text found in one or two places
 * weighs its tokens' rarity. Computed on first use (only tokens of candidate spans need it); `values`
 * holds 0 for the others.
 */
class TokenInformation {
  readonly values: Float64Array;
  readonly #known: Uint8Array;
  readonly #snapshot: IndexSnapshot;
  readonly #query: PreparedQuery;
  readonly #lengths: Int32Array;

  constructor(snapshot: IndexSnapshot, query: PreparedQuery, lengths: Int32Array) {
    this.values = new Float64Array(lengths.length);
    this.#known = new Uint8Array(lengths.length);
    this.#snapshot = snapshot;
    this.#query = query;
    this.#lengths = lengths;
  }

  /** The information of the token at output position i (inside a match). */
  at(i: number): number {
    if (this.#known[i]) return this.values[i]!;
    const snapshot = this.#snapshot;
    const query = this.#query;
    const pairs = i > 0 && this.#lengths[i - 1]! >= 2 ? liveCount(snapshot, query, i - 1, 2) : 0;
    let value: number;
    if (pairs >= 3) value = microBits(liveUnigramCount(snapshot, query, i - 1) - 1, pairs - 1);
    else {
      const count = liveUnigramCount(snapshot, query, i);
      value = count > 0 ? microBits(snapshot.tokenCount, count) : 0;
    }
    this.#known[i] = 1;
    this.values[i] = value;
    return value;
  }
}

function spanSources(
  snapshot: IndexSnapshot,
  query: PreparedQuery,
  span: RawSpan,
  maxDocuments: number,
): Pick<TracedSpan, 'documentCount' | 'documents' | 'contributions' | 'contributors'> {
  const occurrences = liveOccurrences(snapshot, query, span.start, span.end - span.start, span.count);
  const byDocument = new Map<number, SpanDocument>();
  for (const o of occurrences) {
    const seen = byDocument.get(o.documentId);
    if (seen) seen.occurrences++;
    else {
      byDocument.set(o.documentId, {
        documentId: o.documentId,
        contributionId: o.contributionId,
        contributor: o.contributor,
        datanetId: o.datanetId,
        occurrences: 1,
      });
    }
  }
  const documents = [...byDocument.values()].sort((a, b) => a.documentId - b.documentId);
  const contributions = [...new Set(documents.map((d) => d.contributionId))].sort(compareContributionIds);
  const contributors = [...new Set(documents.map((d) => d.contributor))].sort();
  return {
    documentCount: documents.length,
    documents: documents.slice(0, maxDocuments),
    contributions,
    contributors,
  };
}

function mergeForDisplay(spans: readonly TracedSpan[]): DisplaySpan[] {
  const order = spans.map((_, k) => k).sort((a, b) => spans[a]!.tokenStart - spans[b]!.tokenStart || a - b);
  const merged: DisplaySpan[] = [];
  for (const k of order) {
    const span = spans[k]!;
    const last = merged[merged.length - 1];
    if (last && span.tokenStart < last.tokenEnd) {
      last.tokenEnd = Math.max(last.tokenEnd, span.tokenEnd);
      last.charEnd = Math.max(last.charEnd, span.charEnd);
      last.spans.push(k);
    } else {
      merged.push({
        tokenStart: span.tokenStart,
        tokenEnd: span.tokenEnd,
        charStart: span.charStart,
        charEnd: span.charEnd,
        spans: [k],
      });
    }
  }
  return merged;
}
