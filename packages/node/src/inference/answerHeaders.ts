/**
 * The response headers of a paid answer, so that any HTTP client (the OpenAI SDK's raw response,
 * the Vercel AI SDK's `response.headers`, LangChain through a fetch wrapper, curl -i) sees what it
 * paid and whom it paid, without parsing the body:
 *
 *   x-tributary-receipt-id      the receipt (GET /v1/receipts/{id} returns it signed, in full)
 *   x-tributary-fee             what the call was charged, token base units
 *   x-tributary-contributions   the top contributions: `<contribution id>:<ppm>:<contributor>`,
 *                               comma-separated, heaviest first (at most 5; the body has all)
 *   x-tributary-overhead-ms     the node's own time on the call: all of it but the model's
 *   server-timing               where the call's time went: prepare (key, validation, pricing),
 *                               reserve, model (generation: an upstream's time up to the end of
 *                               its stream), attribute (tracing and weighing the answer, in the
 *                               model's worker), receipt (signature, durable write), total; what
 *                               total leaves unnamed is hand-over between threads and queueing
 *
 * A streamed answer sends its headers before the first token, when only the receipt id and the
 * most the call can cost (`x-tributary-max-fee`) are known; its fee, contributions and overhead
 * come in the stream's last chunk and in the receipt.
 */
import type { CallOutcome } from './serveCall.js';

/** Most contributions named in `x-tributary-contributions`. */
export const HEADER_CONTRIBUTIONS = 5;

export const HEADERS = {
  receiptId: 'x-tributary-receipt-id',
  fee: 'x-tributary-fee',
  maxFee: 'x-tributary-max-fee',
  contributions: 'x-tributary-contributions',
  overheadMs: 'x-tributary-overhead-ms',
} as const;

/** When a call's stages ended, ms since it started. */
export type CallTimes = { prepared: number; reserved: number; total: number };

/** Headers of a finished (non-streamed) answer. */
export function answerHeaders(outcome: CallOutcome, times: CallTimes): Record<string, string> {
  const overheadMs = times.total - outcome.generationMs;
  const timing = {
    prepare: times.prepared,
    reserve: times.reserved - times.prepared,
    model: outcome.generationMs,
    attribute: outcome.attributionMs,
    receipt: outcome.receiptMs,
    total: times.total,
  };
  return {
    [HEADERS.receiptId]: outcome.attribution.receipt_id,
    [HEADERS.fee]: outcome.attribution.fee,
    [HEADERS.contributions]: topContributions(outcome),
    [HEADERS.overheadMs]: formatMs(overheadMs),
    'server-timing': Object.entries(timing)
      .map(([name, ms]) => `${name};dur=${formatMs(ms)}`)
      .join(', '),
  };
}

/** Headers of a streamed answer, sent before its first token. */
export function streamHeaders(
  receiptId: string,
  maxFee: bigint,
  overheadSoFarMs: number,
): Record<string, string> {
  return {
    [HEADERS.receiptId]: receiptId,
    [HEADERS.maxFee]: maxFee.toString(),
    [HEADERS.overheadMs]: formatMs(overheadSoFarMs),
  };
}

/** `<id>:<ppm>:<contributor>` of the heaviest contributions, heaviest first. */
function topContributions(outcome: CallOutcome): string {
  return [...outcome.attribution.contributions]
    .sort((a, b) => b.weight_ppm - a.weight_ppm)
    .slice(0, HEADER_CONTRIBUTIONS)
    .map((c) => `${c.contribution_id}:${c.weight_ppm}:${c.contributor}`)
    .join(', ');
}

export const formatMs = (ms: number) => Math.max(0, ms).toFixed(2);
