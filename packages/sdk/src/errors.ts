import { TributaryError } from '@tributary/protocol';

/** A node answered with an error: its HTTP status and the `{ code, message, details }` body. */
export class TributaryApiError extends TributaryError {
  override name = 'TributaryApiError';
  readonly status: number;

  constructor(
    status: number,
    body: { code?: string; message?: string; details?: string[] } | undefined,
    fallback: string,
  ) {
    super({
      code: body?.code ?? `HTTP_${status}`,
      message: body?.message ?? fallback,
      details: body?.details ?? [],
    });
    this.status = status;
  }
}
