/**
 * Errors of the retrieval engine. They are `ApiError`s, so the node's error handler answers them
 * with their status: bad input 400, a stored index that does not parse 500.
 */
import { ApiError } from '../../errors.js';

/** Machine-readable codes of retrieval errors. */
export type RetrievalErrorCode = 'EMPTY_QUESTION' | 'INVALID_RETRIEVAL_INPUT' | 'CORRUPT_RETRIEVAL_INDEX';

/**
 * An error of the retrieval engine (passages, BM25, answers), with a code and detail lines.
 * @example
 * try { answerFromPassages({ question: ' ', passages: [] }); } catch (e) { if (e instanceof RetrievalError) e.code; }
 */
export class RetrievalError extends ApiError {
  override name = 'RetrievalError';
  declare readonly code: RetrievalErrorCode;

  constructor(code: RetrievalErrorCode, message: string, details: readonly string[] = [], cause?: unknown) {
    super(code === 'CORRUPT_RETRIEVAL_INDEX' ? 500 : 400, code, message, details, cause);
  }
}

/** Thrown when a question (or query) is empty or only whitespace. */
export class EmptyQuestionError extends RetrievalError {
  override name = 'EmptyQuestionError';
  constructor() {
    super('EMPTY_QUESTION', 'The question is empty or only whitespace');
  }
}

/** Thrown when a parameter is malformed (wrong type, out of range). */
export class InvalidRetrievalInputError extends RetrievalError {
  override name = 'InvalidRetrievalInputError';
  constructor(message: string, details: readonly string[] = []) {
    super('INVALID_RETRIEVAL_INPUT', message, details);
  }
}

/** Thrown when serialized BM25 index bytes do not parse or are inconsistent. */
export class CorruptRetrievalIndexError extends RetrievalError {
  override name = 'CorruptRetrievalIndexError';
  constructor(details: readonly string[], cause?: unknown) {
    super('CORRUPT_RETRIEVAL_INDEX', 'The retrieval index is corrupted or not a BM25 index', details, cause);
  }
}
