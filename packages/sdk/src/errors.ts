import { TributaryError } from '@tributary/protocol';

/** A node answered with an error: its HTTP status and the `{ code, message, details }` body. */
export class TributaryApiError extends TributaryError {
  override name = 'TributaryApiError';
  readonly status: number;
  /** The URL that answered with the error (when the request went over HTTP). */
  readonly url: string | undefined;

  constructor(
    status: number,
    body: { code?: string; message?: string; details?: string[] } | undefined,
    fallback: string,
    url?: string,
  ) {
    super({
      code: body?.code ?? `HTTP_${status}`,
      message: body?.message ?? fallback,
      details: body?.details ?? [],
    });
    this.status = status;
    this.url = url;
  }
}

/** No answer at all from a node: refused, unknown host, reset or timed out. Names the URL. */
export class NodeUnreachableError extends TributaryError {
  override name = 'NodeUnreachableError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super({
      code: 'NODE_UNREACHABLE',
      message: `could not reach ${url}`,
      details: [networkReason(cause)],
      cause,
    });
    this.url = url;
  }
}

/** Why a fetch failed, from undici's cause (`ECONNREFUSED 127.0.0.1:8787`, `ENOTFOUND host`). */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? ''}`.trim();
  return cause?.message ?? String((error as Error)?.message ?? error);
}
