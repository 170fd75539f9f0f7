import type { IndexSnapshot } from './attributionIndex.js';
import { liveCount, prepareQuery, type QueryInput, queryTokens } from './indexSearch.js';

/** Anything that exposes an index snapshot (an `AttributionIndex`). */
export type Searchable = { readonly snapshot: IndexSnapshot };

export type CountParameters = QueryInput & { index: Searchable };

export type CountReturnType = {
  /** Live occurrences of the whole token sequence (an n-gram) in the index. */
  count: number;
  /** Tokens in the n-gram. */
  tokens: number;
};

/**
 * Counts the occurrences of an n-gram (given as text or token ids) in the live documents.
 * @example
 * const { count } = count({ index, text: 'the river' });
 */
export function count(parameters: CountParameters): CountReturnType {
  const snapshot = parameters.index.snapshot;
  const { ids } = queryTokens(snapshot, parameters);
  const query = prepareQuery(snapshot, ids);
  return { count: liveCount(snapshot, query, 0, ids.length), tokens: ids.length };
}
