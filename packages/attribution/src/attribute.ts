/**
 * Attribution weights: the traced spans are weighed by how specific they are and credited to the
 * contributions that best explain the output (`spanWeights.ts` states the rules), and the totals
 * are normalized to parts per million. All arithmetic is on integers (micro-bits, integer division
 * with the remainder to the lowest contribution ids, normalization by largest remainder with ties
 * to the lowest id), so the same index, text and options give byte-identical results anywhere.
 */
import { type ContributionId, compareContributionIds } from './contributionId.js';
import type { Searchable } from './count.js';
import type { Hex32 } from './indexRoot.js';
import type { QueryInput } from './indexSearch.js';
import { weighSpans } from './spanWeights.js';
import { tokenizerName } from './tokenizerName.js';
import {
  type ResolvedTraceOptions,
  resolveTraceOptions,
  type TracedSpan,
  type TraceSpansOptions,
  traceSpansInDetail,
} from './traceSpans.js';

/** Parts per million in a whole. */
export const partsPerMillion = 1_000_000;

export type AttributeParameters = QueryInput & TraceSpansOptions & { index: Searchable };

export type ContributionWeight = {
  contributionId: ContributionId;
  contributor: string;
  datanetId: string | null;
  /** Share of the attribution in parts per million (all shares sum to exactly 1,000,000). */
  ppm: number;
  /** Weight credited to the contribution, in micro-bits. */
  information: number;
  /** Indices into `spans` of the spans that earned it. */
  spans: number[];
};

export type ContributorWeight = { contributor: string; ppm: number };

/** A traced span with its weighing. */
export type AttributedSpan = TracedSpan & {
  /** The output tokens the span owns: those no more specific span covers. */
  ownTokenStart: number;
  ownTokenEnd: number;
  /** −log2(count / N), micro-bits. */
  specificity: number;
  /** Weight in micro-bits: 0 when the span defers to more specific ones. */
  weight: number;
  /** Contributions its weight was credited to, with their shares (micro-bits). */
  credited: { contributionId: ContributionId; weight: number }[];
};

export type AttributeReturnType = {
  indexRoot: Hex32;
  tokenizer: string;
  options: ResolvedTraceOptions;
  /** Tokens in the output. */
  tokens: number;
  /** Weight of all spans, in micro-bits (0: nothing informative matched, no weights). */
  totalInformation: number;
  /** By ppm (descending), then contribution id; empty when nothing informative matched. */
  contributions: ContributionWeight[];
  /** Contributions' ppm summed per contributor, by ppm (descending), then contributor. */
  contributors: ContributorWeight[];
  spans: AttributedSpan[];
};

/**
 * Attributes a model output to contributions: weights in parts per million that sum to exactly
 * 1,000,000, each with the spans that earned it, or no weights when nothing informative matches.
 * @example
 * const { contributions } = attribute({ index, text: modelOutput });
 * for (const c of contributions) console.log(c.contributionId, c.ppm);
 */
export function attribute(parameters: AttributeParameters): AttributeReturnType {
  const options = resolveTraceOptions(parameters);
  const detail = traceSpansInDetail({ ...parameters, ...options });
  const { trace } = detail;
  const weighed = weighSpans({
    spans: trace.spans,
    tokenInformation: detail.tokenInformation,
    indexTokens: detail.indexTokens,
    minLength: options.minLength,
    minInformation: detail.minInformation,
  });
  const spans: AttributedSpan[] = trace.spans.map((span, k) => {
    const w = weighed.spans[k]!;
    return {
      ...span,
      ownTokenStart: w.ownStart,
      ownTokenEnd: w.ownEnd,
      specificity: w.specificity,
      weight: w.weight,
      credited: w.credited,
    };
  });
  const owners = new Map<ContributionId, { contributor: string; datanetId: string | null }>();
  for (const span of trace.spans)
    for (const d of span.documents)
      owners.set(d.contributionId, { contributor: d.contributor, datanetId: d.datanetId });
  const credit = weighed.credit;
  // Owners of contributions beyond the listed documents of a span.
  if ([...credit.keys()].some((id) => !owners.has(id))) {
    for (const [id, owner] of contributionOwners(parameters.index, new Set(credit.keys())))
      owners.set(id, owner);
  }
  const ids = [...credit.keys()].sort(compareContributionIds);
  const total = ids.reduce((sum, id) => sum + credit.get(id)!.weight, 0);
  const ppm = largestRemainder(
    ids.map((id) => credit.get(id)!.weight),
    partsPerMillion,
  );
  const contributions: ContributionWeight[] = ids.map((id, k) => ({
    contributionId: id,
    contributor: owners.get(id)!.contributor,
    datanetId: owners.get(id)!.datanetId,
    ppm: ppm[k]!,
    information: credit.get(id)!.weight,
    spans: credit.get(id)!.spans,
  }));
  contributions.sort((a, b) => b.ppm - a.ppm || compareContributionIds(a.contributionId, b.contributionId));
  const contributors = totalPerContributor(contributions);
  return {
    indexRoot: trace.indexRoot,
    tokenizer: tokenizerName,
    options,
    tokens: trace.tokens,
    totalInformation: total,
    contributions,
    contributors,
    spans,
  };
}

/**
 * Splits `whole` in proportion to integer `weights` by largest remainder: floor shares first, then
 * one more to the largest remainders, ties to the earliest index. All zero (or none) → all zero.
 * @example
 * largestRemainder([1, 1, 1], 1_000_000); // [333334, 333333, 333333]
 */
export function largestRemainder(weights: readonly number[], whole: number): number[] {
  // Plain numbers are exact while total × (whole + 1) stays a safe integer (every product, and a
  // share times the total, is below it), and far cheaper than bigints: infini-gram answers call
  // this once per generated token.
  const plainTotal = weights.reduce((sum, w) => sum + w, 0);
  if (Number.isSafeInteger(plainTotal * (whole + 1))) return largestRemainderSafe(weights, whole, plainTotal);
  // Here the total is far from 0 (a zero total takes the number path above).
  const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  const bigWhole = BigInt(whole);
  const shares = weights.map((w) => (BigInt(w) * bigWhole) / total);
  const remainders = weights.map((w, k) => BigInt(w) * bigWhole - shares[k]! * total);
  let left = Number(bigWhole - shares.reduce((sum, s) => sum + s, 0n));
  const order = weights
    .map((_, k) => k)
    .sort((a, b) => (remainders[b]! > remainders[a]! ? 1 : remainders[b]! < remainders[a]! ? -1 : a - b));
  for (const k of order) {
    if (left === 0) break;
    shares[k]! += 1n;
    left--;
  }
  return shares.map(Number);
}

/** {@link largestRemainder} when `total × (whole + 1)` is a safe integer: the same shares, in numbers. */
function largestRemainderSafe(weights: readonly number[], whole: number, total: number): number[] {
  if (total === 0) return weights.map(() => 0);
  const shares = weights.map((w) => {
    // A float quotient can round up to the next integer: step back when it overshot.
    const share = Math.floor((w * whole) / total);
    return share * total > w * whole ? share - 1 : share;
  });
  const remainders = weights.map((w, k) => w * whole - shares[k]! * total);
  let left = whole - shares.reduce((sum, s) => sum + s, 0);
  if (left === 0) return shares;
  const order = weights.map((_, k) => k).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const k of order) {
    if (left === 0) break;
    shares[k]! += 1;
    left--;
  }
  return shares;
}

/** Owners (contributor, datanet) of contributions, looked up in the index's segments. */
function contributionOwners(
  index: Searchable,
  ids: ReadonlySet<ContributionId>,
): Map<ContributionId, { contributor: string; datanetId: string | null }> {
  const out = new Map<ContributionId, { contributor: string; datanetId: string | null }>();
  for (const entry of index.snapshot.segments) {
    for (const c of entry.segment.contributions) {
      if (ids.has(c.contributionId) && !out.has(c.contributionId)) {
        out.set(c.contributionId, { contributor: c.contributor, datanetId: c.datanetId });
      }
    }
  }
  return out;
}

/** Sums parts per million by contributor, largest first (ties by address, so the order is stable). */
export function totalPerContributor(
  contributions: readonly { contributor: string; ppm: number }[],
): { contributor: string; ppm: number }[] {
  const perContributor = new Map<string, number>();
  for (const c of contributions)
    perContributor.set(c.contributor, (perContributor.get(c.contributor) ?? 0) + c.ppm);
  return [...perContributor]
    .map(([contributor, ppm]) => ({ contributor, ppm }))
    .sort(
      (a, b) => b.ppm - a.ppm || (a.contributor < b.contributor ? -1 : a.contributor > b.contributor ? 1 : 0),
    );
}
