/**
 * Whether an error means a dependency is unreachable (the chain's RPC, the database server), so the
 * API answers 503 with Retry-After rather than 500 — and never the RPC URL, contract or calldata
 * viem's message holds.
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

/** True when `error` (or what caused it) is a failed connection to the chain or the database. */
export function isOutage(error: unknown): boolean {
  if (error instanceof BaseError) {
    const cause = error.walk(
      (e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError,
    );
    if (cause) return true;
  }
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; depth++) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}
