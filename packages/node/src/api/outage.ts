/**
 * Whether an error means a dependency is unreachable (the chain's RPC, the database server), so the
 * API answers 503 with Retry-After rather than 500 — and without the URL or the call's details.
 */
import { BaseError, HttpRequestError, TimeoutError, WebSocketRequestError } from 'viem';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
]);

/** True when `error` (or its cause) is a failed connection to the chain or the database. */
export function isOutage(error: unknown): boolean {
  if (error instanceof BaseError) {
    return Boolean(
      error.walk(
        (e) =>
          e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError,
      ),
    );
  }
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}
