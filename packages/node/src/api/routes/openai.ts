/**
 * The OpenAI-compatible API: GET /v1/models, POST /v1/completions, POST /v1/chat/completions,
 * streaming (SSE) and not. Responses carry `usage` and an `attribution` object (with the receipt
 * id); a stream ends with one extra chunk holding usage and attribution, then `[DONE]`. The
 * official `openai` npm client works against it unchanged.
 */
import { Hono, type Context as HonoContext } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
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
    const id = `${shape === 'chat' ? 'chatcmpl' : 'cmpl'}-${call.requestId.slice(2, 26)}`;
    const object = shape === 'chat' ? 'chat.completion' : 'text_completion';
    const controller = new AbortController();

    // Reserve before answering, so an unpaid call is a plain 402 even when streaming.
    const run = await call.start(controller.signal);
    if (!body.stream) {
      let text = '';
      let step = await run.next();
      while (!step.done) {
        text += step.value;
        step = await run.next();
      }
      const outcome = step.value;
      return c.json({
        id,
        object,
        created: call.created,
        model: call.model.name,
        choices: [
          shape === 'chat'
            ? {
                index: 0,
                message: { role: 'assistant', content: text },
                finish_reason: outcome.finishReason,
                logprobs: null,
              }
            : { index: 0, text, finish_reason: outcome.finishReason, logprobs: null },
        ],
        usage: outcome.usage,
        attribution: outcome.attribution,
        receipt_id: outcome.attribution.receipt_id,
      });
    }

    return streamSSE(c, async (sse) => {
      sse.onAbort(() => controller.abort());
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        sse.writeSSE({
          data: JSON.stringify({
            id,
            object: `${object}${shape === 'chat' ? '.chunk' : ''}`,
            created: call.created,
            model: call.model.name,
            choices,
            ...extra,
          }),
        });
      let outcome: CallOutcome;
      try {
        let first = true;
        let step = await run.next();
        while (!step.done) {
          const delta =
            shape === 'chat'
              ? { delta: { ...(first ? { role: 'assistant' } : {}), content: step.value } }
              : { text: step.value };
          await chunk([{ index: 0, ...delta, finish_reason: null, logprobs: null }]);
          first = false;
          step = await run.next();
        }
        outcome = step.value;
      } catch (error) {
        await run.return(undefined as never).catch(() => {}); // releases the reservation
        const e =
          error instanceof ApiError
            ? error
            : new ApiError(500, 'INTERNAL', 'internal error', [String(error)]);
        if (!(error instanceof ApiError)) ctx.logger.error({ err: error }, 'stream failed');
        await sse.writeSSE({
          data: JSON.stringify({
            error: { code: e.code, message: e.message, details: e.details, type: e.code.toLowerCase() },
          }),
        });
        return;
      }
      const end = shape === 'chat' ? { delta: {} } : { text: '' };
      await chunk([{ index: 0, ...end, finish_reason: outcome.finishReason, logprobs: null }]);
      await chunk([], {
        usage: outcome.usage,
        attribution: outcome.attribution,
        receipt_id: outcome.attribution.receipt_id,
      });
      await sse.writeSSE({ data: '[DONE]' });
    });
  };

  app.post('/chat/completions', handle('chat'));
  app.post('/completions', handle('completion'));
  return app;
}
