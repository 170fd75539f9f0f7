/**
 * One paid model call, whatever the API shape: resolve and load the model, count and check the
 * prompt, reserve the maximum cost, run the model (streaming its text), then charge exactly by
 * writing the signed receipt. If anything fails before the receipt, the reservation is released
 * and nothing is charged.
 */
import { randomBytes } from 'node:crypto';
import { type TracedSpan, tokenIds, traceSpans } from '@tributary/attribution';
import type { Receipt } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import type { Context } from '../context.js';
import { badRequest } from '../errors.js';
import type { ChatMessage } from '../models/runner.js';
import { loadModel, resolveModel, type ServedModel } from '../models/servedModels.js';
import { type Reservation, release, reserve } from '../payments/reservations.js';
import { type StoredReceipt, storeReceipt } from '../receipts/storeReceipt.js';
import { protocolFeeBps } from './protocolFee.js';

export type CallRequest = {
  model: string;
  /** Completions. */
  prompt?: string | undefined;
  /** Chat completions. */
  messages?: ChatMessage[] | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  topK?: number | undefined;
  seed?: number | undefined;
  stop?: string[] | undefined;
};

export type AttributionSpan = {
  charStart: number;
  charEnd: number;
  text: string;
  count: number;
  contributions: string[];
};

/** The `attribution` object added to OpenAI-shaped responses. */
export type CallAttribution = {
  receipt_id: Hex;
  receipt_hash: Hex;
  method: string;
  index_root: Hex;
  fee: string;
  spans: AttributionSpan[];
  contributions: {
    contribution_id: string;
    contributor: Address;
    datanet_id: string;
    weight_ppm: number;
    amount: string;
  }[];
  /** Data share with no attributed span, paid to the model's datanet versions pro rata to tokens. */
  training_pool: string;
  /** The salt of the receipt's input and output commitments: the payer's alone (to prove the texts). */
  prompt_salt: Hex;
};

export type CallOutcome = {
  receipt: Receipt;
  attribution: CallAttribution;
  finishReason: 'stop' | 'length';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

export type Call = {
  model: ServedModel;
  requestId: Hex;
  created: number;
  /**
   * Reserves the call's maximum cost (402 if the payer cannot cover it), then returns the run:
   * it yields the answer's text pieces and returns the outcome once the receipt is written.
   */
  start(signal: AbortSignal): Promise<AsyncGenerator<string, CallOutcome, void>>;
};

const DEFAULT_MAX_TOKENS = 256;

export type Quote = {
  model: ServedModel;
  inputText: string;
  prompt: string;
  inputTokens: number;
  maxTokens: number;
  /** The most the call can cost: every output token used. */
  maxCost: bigint;
};

/** Prices a call before it runs: resolves the model, counts the prompt, checks its length. */
export async function quoteCall(ctx: Context, request: CallRequest): Promise<Quote> {
  const model = await resolveModel(ctx, request.model);
  const { inputText, prompt } = promptOf(request);
  const inputTokens = tokenIds({ text: inputText }).length;
  if (inputTokens > model.contextTokens) {
    throw badRequest(
      `the prompt is ${inputTokens} tokens; model "${model.name}" takes at most ${model.contextTokens}`,
      ['shorten the prompt or the conversation'],
    );
  }
  const maxTokens = Math.min(request.maxTokens ?? DEFAULT_MAX_TOKENS, model.maxOutputTokens);
  const maxCost =
    model.pricing.pricePerInputToken * BigInt(inputTokens) +
    model.pricing.pricePerOutputToken * BigInt(maxTokens);
  return { model, inputText, prompt, inputTokens, maxTokens, maxCost };
}

/** Prepares a call (the reservation happens when it starts). */
export async function prepareCall(ctx: Context, payer: Address, request: CallRequest): Promise<Call> {
  const { model, inputText, prompt, inputTokens, maxTokens, maxCost } = await quoteCall(ctx, request);
  const loaded = await loadModel(ctx, model);
  const generation = {
    maxTokens,
    temperature: request.temperature ?? 1,
    topK: request.topK ?? null,
    // Every call has a seed (chosen here when the caller gave none), recorded in the receipt.
    seed: request.seed ?? randomBytes(4).readUInt32BE(0),
    stop: request.stop ?? [],
  };
  const requestId = `0x${randomBytes(32).toString('hex')}` as Hex;
  const created = Math.floor(Date.now() / 1000);

  async function start(signal: AbortSignal): Promise<AsyncGenerator<string, CallOutcome, void>> {
    const bps = await protocolFeeBps(ctx);
    const reservation = await reserve(ctx, payer, maxCost);
    return run(signal, bps, reservation);
  }

  async function* run(
    signal: AbortSignal,
    bps: number,
    reservation: Reservation,
  ): AsyncGenerator<string, CallOutcome, void> {
    let output = '';
    let charged = false;
    try {
      const pieces = loaded.runner.run(
        {
          prompt,
          ...(request.messages ? { messages: request.messages } : {}),
          ...generation,
          topK: generation.topK ?? undefined,
        },
        signal,
      );
      let step = await pieces.next();
      while (!step.done) {
        output += step.value;
        yield step.value;
        step = await pieces.next();
      }
      const result = step.value;
      if (signal.aborted) throw badRequest('the call was cancelled');
      const outputTokens = Math.min(tokenIds({ text: output }).length, maxTokens);
      const stored = await storeReceipt(
        ctx,
        {
          requestId,
          payer,
          model: { ...model, indexRoot: loaded.indexRoot },
          pricing: model.pricing,
          split: model.split,
          protocolFeeBps: bps,
          input: { text: inputText, tokens: inputTokens },
          output: { text: output, tokens: outputTokens },
          generation,
          attribution: result.attribution,
          time: Math.floor(Date.now() / 1000),
        },
        reservation,
      );
      charged = true;
      // The response shows the answer's spans; a run that traced them already passes them on.
      const spans =
        result.spans ?? (output.trim() ? traceSpans({ index: loaded.runner.index, text: output }).spans : []);
      return outcomeOf(stored, result.finishReason, outputTokens, spans);
    } finally {
      // Failed, cancelled or abandoned before the receipt: nothing is charged.
      if (!charged) await release(ctx, reservation);
    }
  }

  function outcomeOf(
    { receipt, id, receiptHash, salt }: StoredReceipt,
    finishReason: 'stop' | 'length',
    outputTokens: number,
    spans: readonly TracedSpan[],
  ): CallOutcome {
    return {
      receipt,
      finishReason,
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
      attribution: {
        receipt_id: id,
        receipt_hash: receiptHash,
        method: receipt.attribution.method,
        index_root: receipt.model.indexRoot,
        fee: receipt.fee,
        spans: spans.map((s) => ({
          charStart: s.charStart,
          charEnd: s.charEnd,
          text: s.text,
          count: s.count,
          contributions: s.contributions,
        })),
        contributions: receipt.attribution.contributions.map((c) => ({
          contribution_id: c.contributionId,
          contributor: c.contributor,
          datanet_id: c.datanetId,
          weight_ppm: c.ppm,
          amount: c.amount,
        })),
        training_pool: receipt.attribution.pool,
        prompt_salt: salt,
      },
    };
  }
  return { model, requestId, created, start };
}

/** The text a call is billed for, and the prompt a text model continues. */
function promptOf(request: CallRequest): { inputText: string; prompt: string } {
  if (request.messages) {
    const inputText = request.messages.map((m) => `${m.role}: ${m.content}`).join('\n');
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
    if (!lastUser) throw badRequest('messages need at least one user message');
    return { inputText, prompt: lastUser.content };
  }
  return { inputText: request.prompt ?? '', prompt: request.prompt ?? '' };
}
