/**
 * The OpenAI-compatible API: GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
 * streaming (SSE) and not. Responses carry `usage` and an `attribution` object (with the receipt
 * id), and headers with the receipt id, fee, top contributions and the node's overhead
 * (answerHeaders.ts); a stream ends with one extra chunk holding usage and attribution, then
 * `[DONE]`. The official `openai` npm client works against it unchanged.
 *
 * Metering: a client that goes away mid-stream is charged for the text already sent (the receipt's
 * finish reason is "cancelled"); a non-streamed call whose client goes away stops generating and is
 * charged for what was generated. Nothing is charged before the first text.
 */
import { Hono, type Context as HonoContext } from 'hono';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { answerHeaders, formatMs, HEADERS, streamHeaders } from '../../inference/answerHeaders.js';
import { respondWithEvents } from '../../inference/eventStream.js';
import { type CallOutcome, type CallRequest, prepareCall } from '../../inference/serveCall.js';
import { listServedModels } from '../../models/servedModels.js';
import { type AppEnv, requireAccount } from '../app.js';
import { jsonBody, parse } from '../validate.js';

const content = z.union([
  z.string(),
  z
    .array(z.object({ type: z.literal('text'), text: z.string() }))
    .transform((parts) => parts.map((p) => p.text).join('')),
]);
const common = {
  model: z.string().min(1),
  max_tokens: z.number().int().positive().max(100_000).optional(),
  max_completion_tokens: z.number().int().positive().max(100_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().max(1000).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, { message: 'this node returns one choice per call (n must be 1)' }).optional(),
  user: z.string().optional(),
};
export const chatRequest = z.object({
  ...common,
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant', 'developer']), content }))
    .min(1, 'messages must not be empty'),
});
export const completionRequest = z.object({
  ...common,
  prompt: z.union([
    z.string(),
    z
      .array(z.string())
      .length(1)
      .transform((p) => p[0]!),
  ]),
});

type Shape = 'chat' | 'completion';

export function openAiRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/models', async (c) => {
    const models = await listServedModels(c.get('ctx'));
    return c.json({
      object: 'list',
      data: models
        .filter((m) => m.status === 'active')
        .map((m) => ({
          id: m.name,
          object: 'model',
          created: Number(m.createdBlock),
          owned_by: m.developer,
          tributary: {
            model_id: m.id,
            version: m.version,
            kind: m.kind,
            artifact_hash: m.artifactHash,
            price_per_input_token: m.pricing.pricePerInputToken.toString(),
            price_per_output_token: m.pricing.pricePerOutputToken.toString(),
            split: m.split,
            context_tokens: m.contextTokens,
            datanets: m.config.datanets,
          },
        })),
    });
  });

  const handle = (shape: Shape) => async (c: HonoContext<AppEnv>) => {
    const started = performance.now();
    const ctx = c.get('ctx');
    const payer = await requireAccount(ctx, c.req.header('authorization'));
    const raw = await jsonBody(c);
    const body =
      shape === 'chat'
        ? parse(chatRequest, raw, 'chat completion request')
        : parse(completionRequest, raw, 'completion request');
    const request: CallRequest = {
      model: body.model,
      maxTokens: body.max_completion_tokens ?? body.max_tokens,
      temperature: body.temperature,
      topK: body.top_k,
      seed: body.seed,
      stop: typeof body.stop === 'string' ? [body.stop] : body.stop,
      ...('messages' in body
        ? {
            messages: body.messages.map((m) => ({
              role: m.role === 'developer' ? ('system' as const) : m.role,
              content: m.content,
            })),
          }
        : { prompt: body.prompt }),
    };
    const call = await prepareCall(ctx, payer, request);
    const prepared = performance.now() - started;
    const id = `${shape === 'chat' ? 'chatcmpl' : 'cmpl'}-${call.requestId.slice(2, 26)}`;
    const object = shape === 'chat' ? 'chat.completion' : 'text_completion';
    // The client's connection: when it closes early, the call stops and charges what left the node.
    const gone = c.req.raw.signal;

    // Reserve before answering, so an unpaid call is a plain 402 even when streaming.
    const run = await call.start({ stream: body.stream === true });
    const reserved = performance.now() - started;
    if (!body.stream) {
      const outcome = await run.complete(gone);
      if (!outcome)
        throw new ApiError(499, 'CANCELLED', 'the client closed the connection before any output');
      const { text, finishReason } = outcome;
      const headers = answerHeaders(outcome, { prepared, reserved, total: performance.now() - started });
      return c.json(
        {
          id,
          object,
          created: call.created,
          model: call.model.name,
          choices: [
            shape === 'chat'
              ? {
                  index: 0,
                  message: { role: 'assistant', content: text },
                  finish_reason: finishReason,
                  logprobs: null,
                }
              : { index: 0, text, finish_reason: finishReason, logprobs: null },
          ],
          usage: outcome.usage,
          attribution: outcome.attribution,
          receipt_id: outcome.attribution.receipt_id,
          tributary: { overhead_ms: Number(headers[HEADERS.overheadMs]) },
        },
        200,
        headers,
      );
    }

    const beforeStream = reserved;
    const headers = streamHeaders(call.requestId, call.maxCost, beforeStream);
    return respondWithEvents(c, headers, async (events) => {
      const cancel = () => run.cancel();
      events.onClose(cancel);
      gone.addEventListener('abort', cancel, { once: true });
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        events.send(
          JSON.stringify({
            id,
            object: `${object}${shape === 'chat' ? '.chunk' : ''}`,
            created: call.created,
            model: call.model.name,
            choices,
            ...extra,
          }),
        );
      // Characters the connection took: they left the node, so they are charged.
      let sent = 0;
      let failure: unknown = null;
      try {
        for await (const piece of run.pieces) {
          if (events.closed) break;
          const delta =
            shape === 'chat'
              ? { delta: { ...(sent === 0 ? { role: 'assistant' } : {}), content: piece } }
              : { text: piece };
          if (!(await chunk([{ index: 0, ...delta, finish_reason: null, logprobs: null }]))) break;
          sent += piece.length;
        }
      } catch (error) {
        failure = error;
      }
      const generated = performance.now();
      const left = () => events.closed || gone.aborted;
      let outcome: CallOutcome | null = null;
      try {
        outcome = await run.finish(sent, left() || failure !== null);
      } catch (error) {
        failure ??= error;
      } finally {
        gone.removeEventListener('abort', cancel);
      }
      if (failure !== null) {
        if (left()) return;
        const e =
          failure instanceof ApiError
            ? failure
            : new ApiError(500, 'INTERNAL', 'internal error', ['the node logged it; retry, or report it']);
        if (!(failure instanceof ApiError)) ctx.logger.error({ err: failure }, 'stream failed');
        await events.send(
          JSON.stringify({
            error: { code: e.code, message: e.message, details: e.details, type: e.code.toLowerCase() },
          }),
        );
        return;
      }
      if (!outcome || left()) return; // charged (or not) as it ended; nobody is listening
      const overheadMs = beforeStream + (performance.now() - generated);
      const end = shape === 'chat' ? { delta: {} } : { text: '' };
      await chunk([{ index: 0, ...end, finish_reason: outcome.finishReason, logprobs: null }]);
      await chunk([], {
        usage: outcome.usage,
        attribution: outcome.attribution,
        receipt_id: outcome.attribution.receipt_id,
        tributary: { overhead_ms: Number(formatMs(overheadMs)) },
      });
      await events.send('[DONE]');
    });
  };

  app.post('/chat/completions', handle('chat'));
  app.post('/completions', handle('completion'));
  return app;
}
