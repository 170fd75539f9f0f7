/**
 * Brute-force references for tests: the answers a naive scan of the documents gives.
 * (Not exported from the package.)
 */

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

/** A seeded generator (LCG) for test data that fast-check does not drive. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}
