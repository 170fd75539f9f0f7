/**
 * One paid model call, whatever the API shape: resolve and load the model, count and check the
 * prompt, reserve the maximum cost, run the model on the runner pool, then charge exactly by
 * writing the signed receipt.
 *
 * What is charged: the text that left the node. A finished answer is charged whole. A streamed
 * answer whose client went away is charged for the text already sent (`finish_reason`
 * "cancelled"); a non-streamed one for the text generated until the client went away. A call that
 * fails, or is cancelled before any text, writes no receipt: its reservation is released and
 * nothing is charged.
 */
import { randomBytes } from 'node:crypto';
import type { Receipt } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import type { Context } from '../context.js';
import { badRequest } from '../errors.js';
import type { ModelKind } from '../models/artifact.js';
import { captureEvidence } from '../models/evidence/captureEvidence.js';
import type { ChatMessage, RunInput } from '../models/runner.js';
import { loadModel, resolveModel, type ServedModel } from '../models/servedModels.js';
import { type Reservation, release, reserve } from '../payments/reservations.js';
import { type StoredReceipt, storeReceipt } from '../receipts/storeReceipt.js';
import type { AttributionSpan, FinishReason, SessionOutcome } from './generationSession.js';
import { protocolFeeBps } from './protocolFee.js';
import type { PooledRun } from './runnerPool.js';

export type { AttributionSpan } from './generationSession.js';

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
  finishReason: FinishReason;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** The charged text (a cancelled call's is what left the node). */
  text: string;
  /** The model's own time producing text, ms (the rest of a call's time is the node's overhead). */
  generationMs: number;
  /** The run's span tracing, ms (part of the overhead). */
  attributionMs: number;
  /** Time from the run's outcome to its durable receipt (group commit, signature), ms. */
  receiptMs: number;
};

/** A started call. */
export type CallRun = {
  /** Streamed calls: the answer's text as it is generated. */
  readonly pieces: AsyncIterable<string>;
  /**
   * Non-streamed calls: waits for the answer and charges it — or, once `signal` aborts (the client
   * left), stops generating and charges the text generated so far. Null: nothing to charge.
   */
  complete(signal: AbortSignal): Promise<CallOutcome | null>;
  /**
   * Streamed calls: charges the first `sentChars` characters (the text that left the node), cut
   * short (`cancelled`) or the whole answer. Null: nothing to charge.
   */
  finish(sentChars: number, cancelled: boolean): Promise<CallOutcome | null>;
  /** The client left: stop generating now (streamed calls then `finish` with what was sent). */
  cancel(): void;
};

export type Call = {
  model: ServedModel;
  requestId: Hex;
  created: number;
  /** The most the call can cost (what is reserved). */
  maxCost: bigint;
  /** Reserves the call's maximum cost (402 if the payer cannot cover it), then starts the model. */
  start(options: { stream: boolean }): Promise<CallRun>;
};

const DEFAULT_MAX_TOKENS = 256;

/** Kinds whose runs cost only this node's CPU, so they may start before the reservation holds. */
const SPECULATIVE_KINDS: ReadonlySet<ModelKind> = new Set(['infini-gram']);

/** Stops a run started before its reservation was refused; its outcome is never charged. */
function discard(run: PooledRun, stream: boolean): void {
  run.cancel();
  // A streamed run ends with its finish; a non-streamed one with its outcome.
  if (stream) run.finish({ chars: 0, cancelled: true }).catch(() => {});
  else run.outcome.catch(() => {});
}

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
  const inputTokens = await ctx.serving.pool.countTokens(inputText);
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
  const { loaded, filesUnchanged } = await loadModel(ctx, model);
  // A local model's files are checked while it generates (in `start`); others' before it starts.
  const speculative = SPECULATIVE_KINDS.has(model.kind);
  if (!speculative) await filesUnchanged();
  const generation = {
    maxTokens,
    temperature: request.temperature ?? 1,
    topK: request.topK ?? null,
    // Every call has a seed (chosen here when the caller gave none), recorded in the receipt.
    seed: request.seed ?? randomBytes(4).readUInt32BE(0),
    stop: request.stop ?? [],
  };
  const input: RunInput = {
    prompt,
    ...(request.messages ? { messages: request.messages } : {}),
    ...generation,
    topK: generation.topK ?? undefined,
  };
  const requestId = `0x${randomBytes(32).toString('hex')}` as Hex;
  const created = Math.floor(Date.now() / 1000);

  /** Turns the run's outcome into the charge: a receipt, or (no text) a released reservation. */
  async function charge(
    reservation: Reservation,
    bps: number,
    outcome: Promise<SessionOutcome>,
  ): Promise<CallOutcome | null> {
    let charged = false;
    try {
      const run = await outcome;
      if (run.text === '' && run.finishReason === 'cancelled') return null;
      const storing = performance.now();
      const stored = await storeReceipt(
        ctx,
        {
          requestId,
          payer,
          model: { ...model, indexRoot: loaded.indexRoot, takedowns: loaded.takedowns },
          pricing: model.pricing,
          split: model.split,
          protocolFeeBps: bps,
          input: { text: inputText, tokens: inputTokens },
          output: { text: run.text, tokens: run.outputTokens, finishReason: run.finishReason },
          generation,
          attribution: run.attribution,
          time: Math.floor(Date.now() / 1000),
        },
        reservation,
      );
      charged = true;
      ctx.serving.reservations.charged(reservation);
      // Where the answer meets each paid contribution, kept so the receipt stays provable.
      captureEvidence(ctx, stored.receipt, run.outputIds);
      return outcomeOf(stored, run, performance.now() - storing);
    } finally {
      // Failed, or cancelled before any text: nothing is charged.
      if (!charged) await release(ctx, reservation);
    }
  }

  function outcomeOf(
    { receipt, id, receiptHash, salt }: StoredReceipt,
    run: SessionOutcome,
    receiptMs: number,
  ): CallOutcome {
    return {
      receipt,
      finishReason: run.finishReason,
      text: run.text,
      generationMs: run.generationMs,
      attributionMs: run.attributionMs,
      receiptMs,
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: run.outputTokens,
        total_tokens: inputTokens + run.outputTokens,
      },
      attribution: {
        receipt_id: id,
        receipt_hash: receiptHash,
        method: receipt.attribution.method,
        index_root: receipt.model.indexRoot,
        fee: receipt.fee,
        spans: run.spans,
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

  async function start({ stream }: { stream: boolean }): Promise<CallRun> {
    // A local model starts generating while its files and the reservation are checked: its first
    // token costs the node nothing but CPU, and no text leaves before both hold (the caller sends
    // nothing until `start` resolves). A model that calls an upstream starts only once reserved.
    const early = speculative ? loaded.runner.start(input, { stream }) : null;
    let bps: number;
    let reservation: Reservation;
    try {
      if (early) await filesUnchanged();
      bps = await protocolFeeBps(ctx);
      reservation = await reserve(ctx, payer, maxCost);
    } catch (error) {
      if (early) discard(early, stream);
      throw error;
    }
    let run: ReturnType<typeof loaded.runner.start>;
    try {
      run = early ?? loaded.runner.start(input, { stream });
    } catch (error) {
      await release(ctx, reservation);
      throw error;
    }
    return {
      pieces: run.pieces,
      complete(signal) {
        const cancel = () => run.cancel();
        signal.addEventListener('abort', cancel, { once: true });
        if (signal.aborted) cancel();
        return charge(reservation, bps, run.outcome).finally(() =>
          signal.removeEventListener('abort', cancel),
        );
      },
      finish: (sentChars, cancelled) => charge(reservation, bps, run.finish({ chars: sentChars, cancelled })),
      cancel: () => run.cancel(),
    };
  }

  return { model, requestId, created, maxCost, start };
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
