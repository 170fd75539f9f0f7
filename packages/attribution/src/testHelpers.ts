/**
 * Brute-force references for tests: the answers a naive scan of the documents gives.
 * (Not exported from the package.)
 */
import { createRandom } from './random.js';

/** A document as the naive scan sees it: token ids and whether it is live. */
export type NaiveDocument = {
  documentId: number;
  contributionId: string;
  tokens: readonly number[];
  live: boolean;
};

/** Occurrences of `pattern` in live documents, as (documentId, offset), sorted. */
export function naiveOccurrences(
  documents: readonly NaiveDocument[],
  pattern: readonly number[],
): [number, number][] {
  const out: [number, number][] = [];
  if (pattern.length === 0) return out;
  for (const d of documents) {
    if (!d.live) continue;
    for (let i = 0; i + pattern.length <= d.tokens.length; i++) {
      let k = 0;
      while (k < pattern.length && d.tokens[i + k] === pattern[k]) k++;
      if (k === pattern.length) out.push([d.documentId, i]);
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** For each position of `query`, the longest prefix of query[i..] found inside one live document. */
export function naiveLongestMatches(documents: readonly NaiveDocument[], query: readonly number[]): number[] {
  return query.map((_, i) => {
    let best = 0;
    for (const d of documents) {
      if (!d.live) continue;
      for (let p = 0; p < d.tokens.length; p++) {
        let k = 0;
        while (i + k < query.length && p + k < d.tokens.length && d.tokens[p + k] === query[i + k]) k++;
        if (k > best) best = k;
      }
    }
    return best;
  });
}

/** Doubles in [0, 1) from the package's seeded generator, for test data that fast-check does not drive. */
export function seededRandom(seed: number): () => number {
  const random = createRandom({ seed });
  return () => random.nextDouble();
}

/** The ∞-gram next-token distribution of a context, by brute force (support as contribution → occurrences). */
export function naiveNextTokens(
  documents: readonly NaiveDocument[],
  context: readonly number[],
  maxSuffixLength = Number.POSITIVE_INFINITY,
): {
  suffixLength: number;
  total: number;
  candidates: { token: number; count: number; support: Record<string, number> }[];
} {
  for (let length = Math.min(context.length, maxSuffixLength); length >= 0; length--) {
    const pattern = context.slice(context.length - length);
    const counts = new Map<number, Map<string, number>>();
    for (const d of documents) {
      if (!d.live) continue;
      for (let i = 0; i + length < d.tokens.length; i++) {
        let k = 0;
        while (k < length && d.tokens[i + k] === pattern[k]) k++;
        if (k < length) continue;
        const next = d.tokens[i + length]!;
        const support = counts.get(next) ?? new Map<string, number>();
        support.set(d.contributionId, (support.get(d.contributionId) ?? 0) + 1);
        counts.set(next, support);
      }
    }
    if (counts.size === 0 && length > 0) continue;
    const candidates = [...counts].map(([token, support]) => ({
      token,
      count: [...support.values()].reduce((a, b) => a + b, 0),
      support: Object.fromEntries(support),
    }));
    candidates.sort((a, b) => b.count - a.count || a.token - b.token);
    return { suffixLength: length, total: candidates.reduce((a, c) => a + c.count, 0), candidates };
  }
  return { suffixLength: 0, total: 0, candidates: [] };
}
