/** Checks of query inputs (text, token ids) against an index snapshot's limits. */
import type { IndexSnapshot } from './attributionIndex.js';
import { InvalidInputError, TextTooLongError } from './errors.js';

/** Checks a query text (any length up to the snapshot's limit, including none). */
export function checkQueryText(text: string, snapshot: IndexSnapshot): void {
  if (text.length > snapshot.limits.maxQueryCharacters) {
    throw new TextTooLongError({
      length: text.length,
      limit: snapshot.limits.maxQueryCharacters,
      unit: 'characters',
    });
  }
}

/** Checks context token ids (any length, including none). */
export function checkTokenIds(tokens: ArrayLike<number>, snapshot: IndexSnapshot): Uint32Array {
  if (tokens.length > snapshot.limits.maxQueryCharacters) {
    throw new TextTooLongError({
      length: tokens.length,
      limit: snapshot.limits.maxQueryCharacters,
      unit: 'tokens',
    });
  }
  const ids = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!Number.isInteger(t) || t < 0 || t > 0xffffffff)
      throw new InvalidInputError(`token ${i} is not a token id`);
    ids[i] = t;
  }
  return ids;
}
