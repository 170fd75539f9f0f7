/**
 * How much each traced span weighs and who earns it (the rules an outside verifier reimplements;
 * packages/attribution/README.md states them). All arithmetic is on integers.
 *
 * 1. **Ownership.** Spans are ranked most specific first: fewer index occurrences, then longer,
 *    then earlier. Each output token belongs to the first span in that ranking that covers it; a
 *    span's own tokens are the ones it holds (one contiguous range: a more specific span never
 *    lies strictly inside a less specific one, since containing it would make that one at least
 *    as rare and longer).
 * 2. **Deference.** A span whose own tokens are fewer than `minLength`, or carry less information
 *    than `minInformation` (the chance threshold spans must pass), weighs nothing: the output
 *    there is explained by the more specific spans around it (a boilerplate fragment at the seam
 *    of a passage unique to one document adds a token or two of its own).
 * 3. **Weight.** weight = ⌊own information × specificity / log2(N)⌋ with specificity
 *    −log2(count / N) (micro-bits; N = live tokens in the index): a span found once keeps its own
 *    information, one found c times keeps the share log(N / c) / log(N) of it.
 * 4. **Credit.** A contribution's evidence is the sum of the weights of the spans it holds. Each
 *    span's weight goes to those of its contributions with the most evidence (ties share it
 *    equally, the remainder of the integer division to the lowest ids): a fragment shared by
 *    many documents is credited to the one that also holds the rest of the output's copied text.
 */
import { type ContributionId, compareContributionIds } from './contributionId.js';

/** A span as the weighing needs it. */
export type WeighableSpan = {
  tokenStart: number;
  tokenEnd: number;
  /** Live occurrences in the index. */
  count: number;
  /** Contributions holding the span (numeric order). */
  contributions: readonly ContributionId[];
};

export type WeighSpansParameters = {
  /** Spans as traceSpans keeps them: maximal, so no span lies inside another. */
  spans: readonly WeighableSpan[];
  /** Information of each output token in micro-bits, round(1e6 · log2(N / unigram count)). */
  tokenInformation: ArrayLike<number>;
  /** Live tokens in the index (N). */
  indexTokens: number;
  minLength: number;
  /** Least information (micro-bits) a span's own tokens need (−Infinity: no threshold). */
  minInformation: number;
};

/** A span's weighing, in the order of the input spans. */
export type SpanWeight = {
  /** The output tokens the span owns, `[ownStart, ownEnd)` (empty: start = end). */
  ownStart: number;
  ownEnd: number;
  /** Information of the own tokens, micro-bits. */
  ownInformation: number;
  /** −log2(count / N) in micro-bits. */
  specificity: number;
  /** Weight in micro-bits (0: deferred to more specific spans). */
  weight: number;
  /** Contributions the weight was credited to, in numeric order, with their shares. */
  credited: { contributionId: ContributionId; weight: number }[];
};

export type WeighSpansReturnType = {
  spans: SpanWeight[];
  /** Weight credited per contribution, with the indices of the spans that credited it. */
  credit: Map<ContributionId, { weight: number; spans: number[] }>;
};

/** Round(1e6 · log2(numerator / denominator)), the micro-bit measure used throughout. */
export function microBits(numerator: number, denominator: number): number {
  return Math.round(1e6 * Math.log2(numerator / denominator));
}

/**
 * Weighs spans and credits their weights to contributions by the rules above.
 * @example
 * const { credit } = weighSpans({ spans, tokenInformation, indexTokens: 1e6, minLength: 6, minInformation: 0 });
 */
export function weighSpans(parameters: WeighSpansParameters): WeighSpansReturnType {
  const { spans, tokenInformation, indexTokens } = parameters;
  const order = spans
    .map((_, k) => k)
    .sort((a, b) => {
      const x = spans[a]!;
      const y = spans[b]!;
      return (
        x.count - y.count ||
        y.tokenEnd - y.tokenStart - (x.tokenEnd - x.tokenStart) ||
        x.tokenStart - y.tokenStart ||
        a - b
      );
    });
  const owned = new Uint8Array(tokenInformation.length);
  const own = spans.map(() => ({ start: 0, end: 0, information: 0 }));
  for (const k of order) {
    const span = spans[k]!;
    let start = -1;
    let end = -1;
    let information = 0;
    for (let t = span.tokenStart; t < span.tokenEnd; t++) {
      if (owned[t]) continue;
      owned[t] = 1;
      if (start < 0) start = t;
      end = t + 1;
      information += tokenInformation[t]!;
    }
    own[k] =
      start < 0
        ? { start: span.tokenStart, end: span.tokenStart, information: 0 }
        : { start, end, information };
  }
  const fullSpecificity = microBits(indexTokens, 1);
  const weighed: SpanWeight[] = spans.map((span, k) => {
    const { start, end, information } = own[k]!;
    const specificity = microBits(indexTokens, span.count);
    const stands = end - start >= parameters.minLength && information >= parameters.minInformation;
    const weight = !stands
      ? 0
      : fullSpecificity <= 0
        ? information
        : Number((BigInt(information) * BigInt(specificity)) / BigInt(fullSpecificity));
    return { ownStart: start, ownEnd: end, ownInformation: information, specificity, weight, credited: [] };
  });
  // Evidence per contribution, then each span to its holders with the most evidence.
  const evidence = new Map<ContributionId, number>();
  spans.forEach((span, k) => {
    const w = weighed[k]!.weight;
    if (w > 0) for (const id of span.contributions) evidence.set(id, (evidence.get(id) ?? 0) + w);
  });
  const credit = new Map<ContributionId, { weight: number; spans: number[] }>();
  spans.forEach((span, k) => {
    const w = weighed[k]!.weight;
    if (w === 0 || span.contributions.length === 0) return;
    let best = 0;
    for (const id of span.contributions) best = Math.max(best, evidence.get(id)!);
    const winners = span.contributions.filter((id) => evidence.get(id) === best).sort(compareContributionIds);
    const share = Math.floor(w / winners.length);
    const extra = w - share * winners.length;
    weighed[k]!.credited = winners.map((id, j) => ({
      contributionId: id,
      weight: share + (j < extra ? 1 : 0),
    }));
    for (const { contributionId, weight } of weighed[k]!.credited) {
      const entry = credit.get(contributionId) ?? { weight: 0, spans: [] };
      entry.weight += weight;
      entry.spans.push(k);
      credit.set(contributionId, entry);
    }
  });
  return { spans: weighed, credit };
}
