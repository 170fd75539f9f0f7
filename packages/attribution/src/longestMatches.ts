import type { Searchable } from './count.js';
import { liveLongestMatches, prepareQuery, type QueryInput, queryTokens } from './indexSearch.js';

export type LongestMatchesParameters = QueryInput & { index: Searchable };

export type LongestMatchesReturnType = {
  /** The query's token ids. */
  tokens: number[];
  /** `lengths[i]`: tokens in the longest sequence starting at token i that occurs in a live document. */
  lengths: number[];
};

/**
 * For each token position of a text, the longest match in the index starting there (the
 * suffix-array "matching statistics" of the text).
 * @example
 * const { lengths } = longestMatches({ index, text: 'a sentence from the corpus' });
 */
export function longestMatches(parameters: LongestMatchesParameters): LongestMatchesReturnType {
  const snapshot = parameters.index.snapshot;
  const { ids } = queryTokens(snapshot, parameters);
  const lengths = liveLongestMatches(snapshot, prepareQuery(snapshot, ids));
  return { tokens: Array.from(ids), lengths: Array.from(lengths) };
}
