/**
 * `upstream` models: any OpenAI-compatible server (vLLM, llama.cpp, Ollama, a hosted API) serves a
 * model fine-tuned on the registered datanet versions. The node forwards the request, streams the
 * answer back (cut at the call's token limit), and traces the answer's spans against the model's
 * index for attribution. Upstream failures (timeouts, 5xx, malformed streams) become clear errors
 * and the payer is not charged.
 */
import type { AttributionIndex } from '@tributary/attribution';
import OpenAI from 'openai';
import type { Config } from '../../config.js';
import { ApiError } from '../../errors.js';
import {
  type ChatMessage,
  cutToTokens,
  type ModelRunner,
  type RunInput,
  type RunResult,
  traceAnswerTimed,
} from '../runner.js';

/** Thrown when the upstream server fails; the call is not charged. */
export class UpstreamError extends ApiError {
  override name = 'UpstreamError';
}

export type UpstreamModelParameters = {
  config: Pick<Config, 'upstreams'>;
  index: AttributionIndex;
  /** Name of the upstream in the node config (default "default"). */
  upstream: string;
  /** The model name the upstream server knows. */
  upstreamModel: string;
};

/**
 * A client for the upstream named `name` in the node config; 503 when the node has none. Only
 * the node's own configuration counts: the name is looked up as an own property (so
 * `constructor` or `__proto__` name nothing), and the OpenAI client gets every option explicitly
 * and sends only headers the node set — never a key, base URL or header from the environment
 * (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_CUSTOM_HEADERS` …). An upstream without a
 * configured key gets no Authorization header.
 */
export function upstreamClient(config: Pick<Config, 'upstreams'>, name: string): OpenAI {
  const upstream = Object.hasOwn(config.upstreams, name) ? config.upstreams[name] : undefined;
  if (!upstream) {
    throw new UpstreamError(503, 'UPSTREAM_NOT_CONFIGURED', `the node has no upstream named "${name}"`, [
      'set UPSTREAM_URL (for "default") or "upstreams" in the node config file',
    ]);
  }
  const apiKey = upstream.apiKey;
  return new OpenAI({
    baseURL: upstream.baseURL,
    // The client insists on a credential; without a configured one, the header is stripped below.
    apiKey: apiKey ?? 'no-key-configured',
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: upstream.timeoutMs,
    maxRetries: 0,
    fetch: (input, init) =>
      fetch(input, { ...init, headers: nodeHeaders(init?.headers, apiKey !== undefined) }),
  });
}

const SENT_HEADERS = /^(accept|content-type|content-length|user-agent|idempotency-key|x-stainless-[a-z-]+)$/;

/** The headers the node means to send: the client's own, the configured key, nothing else. */
function nodeHeaders(headers: ConstructorParameters<typeof Headers>[0], withKey: boolean): Headers {
  const sent = new Headers();
  for (const [name, value] of new Headers(headers)) {
    if (SENT_HEADERS.test(name) || (withKey && name === 'authorization')) sent.set(name, value);
  }
  return sent;
}

/** Streams chat completions from an upstream; yields text, returns the whole text and why it ended. */
export async function* streamUpstream(
  client: OpenAI,
  model: string,
  messages: ChatMessage[],
  input: RunInput,
  signal: AbortSignal,
): AsyncGenerator<string, { text: string; finishReason: 'stop' | 'length' }, void> {
  let text = '';
  try {
    const stream = await client.chat.completions.create(
      {
        model,
        messages,
        stream: true,
        max_tokens: input.maxTokens,
        temperature: input.temperature,
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
        ...(input.stop.length > 0 ? { stop: input.stop } : {}),
      },
      { signal },
    );
    let finishReason: 'stop' | 'length' = 'stop';
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (!choice && !chunk.usage)
        throw new UpstreamError(502, 'UPSTREAM_MALFORMED', 'the upstream sent a chunk without choices');
      const piece = choice?.delta?.content ?? '';
      if (piece) {
        // The upstream counts tokens its own way: cut exactly at this call's limit.
        const cut = cutToTokens(text + piece, input.maxTokens);
        if (cut !== null) {
          if (cut.length > text.length) {
            yield cut.slice(text.length);
            text = cut;
          }
          return { text, finishReason: 'length' };
        }
        text += piece;
        yield piece;
      }
      if (choice?.finish_reason === 'length') finishReason = 'length';
    }
    return { text, finishReason };
  } catch (error) {
    throw toUpstreamError(error, signal);
  }
}

/** A model served by an upstream OpenAI-compatible server. */
export function createUpstreamRunner(p: UpstreamModelParameters): ModelRunner {
  const client = upstreamClient(p.config, p.upstream);
  return {
    index: p.index,
    async *run(input, signal): AsyncGenerator<string, RunResult, void> {
      const messages = input.messages ?? [{ role: 'user' as const, content: input.prompt }];
      const { text, finishReason } = yield* streamUpstream(client, p.upstreamModel, messages, input, signal);
      const { contributions, spans, ms } = traceAnswerTimed(p.index, text);
      return { finishReason, attribution: { method: 'spans', contributions }, spans, attributionMs: ms };
    },
    close: () => p.index.close(),
  };
}

function toUpstreamError(error: unknown, signal: AbortSignal): ApiError {
  if (error instanceof ApiError) return error;
  if (signal.aborted) return new UpstreamError(499, 'CANCELLED', 'the call was cancelled');
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new UpstreamError(504, 'UPSTREAM_TIMEOUT', 'the upstream model server did not answer in time');
  }
  if (error instanceof OpenAI.APIError) {
    return new UpstreamError(
      502,
      'UPSTREAM_ERROR',
      `the upstream model server answered ${error.status ?? 'an error'}`,
      [error.message],
    );
  }
  return new UpstreamError(
    502,
    'UPSTREAM_MALFORMED',
    'the upstream model server sent a response the node cannot read',
    [String((error as Error)?.message ?? error)],
  );
}
