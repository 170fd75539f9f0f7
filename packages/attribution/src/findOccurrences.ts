import type { Searchable } from './count.js';
import { InvalidInputError } from './errors.js';
import {
  liveCount,
  liveOccurrences,
  type Occurrence,
  prepareQuery,
  type QueryInput,
  queryTokens,
} from './indexSearch.js';

export type FindOccurrencesParameters = QueryInput & {
  index: Searchable;
  /** Most occurrences to return (default 100). */
  limit?: number | undefined;
};

export type FindOccurrencesReturnType = {
  /** All live occurrences (not capped). */
  count: number;
  /** Tokens in the n-gram. */
  tokens: number;
  /** At most `limit` occurrences, deterministic for a given index root. */
  occurrences: Occurrence[];
};

/**
 * Finds where an n-gram occurs: the count and up to `limit` occurrences with their documents and
 * contributions.
 * @example
 * const { count, occurrences } = findOccurrences({ index, text: 'the river', limit: 10 });
 */
export function findOccurrences(parameters: FindOccurrencesParameters): FindOccurrencesReturnType {
  const limit = parameters.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new InvalidInputError('limit must be a non-negative integer');
  const snapshot = parameters.index.snapshot;
  const { ids } = queryTokens(snapshot, parameters);
  const query = prepareQuery(snapshot, ids);
  return {
    count: liveCount(snapshot, query, 0, ids.length),
    tokens: ids.length,
    occurrences: liveOccurrences(snapshot, query, 0, ids.length, limit),
  };
}
