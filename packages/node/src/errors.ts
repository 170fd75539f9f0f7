/**
 * Errors the node returns over HTTP. Each has a fixed code and status; the API turns them into
 * `{ error: { code, message, details } }`.
 */
import { TributaryError } from '@tributary/protocol';

/** An error with an HTTP status. */
export class ApiError extends TributaryError {
  override name = 'ApiError';
  readonly status: number;
  /** Response headers the error calls for (e.g. Retry-After on a 503). */
  headers: Record<string, string> = {};

  constructor(
    status: number,
    code: string,
    message: string,
    details: readonly string[] = [],
    cause?: unknown,
  ) {
    super({ code, message, details, cause });
    this.status = status;
  }
}

/** 400: the request is malformed or a field is invalid. */
export const badRequest = (message: string, details: readonly string[] = []) =>
  new ApiError(400, 'BAD_REQUEST', message, details);
/** 401: no valid credentials or signature. */
export const unauthorized = (code: string, message: string, details: readonly string[] = []) =>
  new ApiError(401, code, message, details);
/** 402: payment or bond is missing. */
export const paymentRequired = (code: string, message: string, details: readonly string[] = []) =>
  new ApiError(402, code, message, details);
/** 403: authenticated but not allowed. */
export const forbidden = (code: string, message: string, details: readonly string[] = []) =>
  new ApiError(403, code, message, details);
/** 404: the thing does not exist. */
export const notFound = (what: string, details: readonly string[] = []) =>
  new ApiError(404, 'NOT_FOUND', `${what} not found`, details);
/** 409: the request conflicts with what exists (duplicate, replayed nonce, wrong state). */
export const conflict = (code: string, message: string, details: readonly string[] = []) =>
  new ApiError(409, code, message, details);
/** 413: the body is too large. */
export const tooLarge = (message: string, details: readonly string[] = []) =>
  new ApiError(413, 'TOO_LARGE', message, details);
/** 415: the content type is not accepted. */
export const unsupportedType = (message: string, details: readonly string[] = []) =>
  new ApiError(415, 'UNSUPPORTED_TYPE', message, details);
/** 429: over a rate or quota limit. */
export const rateLimited = (message: string, details: readonly string[] = []) =>
  new ApiError(429, 'RATE_LIMITED', message, details);
/** 503: a dependency (chain, database) is not available. */
export const unavailable = (message: string, details: readonly string[] = [], cause?: unknown) =>
  new ApiError(503, 'UNAVAILABLE', message, details, cause);
