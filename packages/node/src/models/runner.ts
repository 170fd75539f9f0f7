/**
 * What every model kind offers the API: a run that streams text and ends with how the text was
 * attributed to contributions.
 */
import {
  type AttributionIndex,
  attribute,
  type ContributionWeight,
  type TracedSpan,
  tokenIds,
  tokenize,
  traceSpans,
} from '@tributary/attribution';
import type { AttributedContribution } from '../receipts/buildReceipt.js';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type RunInput = {
  /** Completions: the prompt. Chat: derived from the messages by the API. */
  prompt: string;
  /** Chat requests only. */
  messages?: ChatMessage[];
  maxTokens: number;
  temperature: number;
  topK?: number | undefined;
  seed?: number | undefined;
  stop: string[];
};

export type RunResult = {
  finishReason: 'stop' | 'length';
  attribution: { method: string; contributions: AttributedContribution[] };
  /** The answer's traced spans, when the run traced them already (so the API need not again). */
  spans?: readonly TracedSpan[] | undefined;
  /**
   * Time the run spent attributing its text (tracing spans, weighing support), ms: the node's
   * overhead, not the model's time, though it runs inside the run.
   */
  attributionMs: number;
  /**
   * Time the run spent yielding to the event loop, ms: other work ran meanwhile (on the request
   * thread, other requests'), so it is not the model's time.
   */
  yieldedMs?: number;
};

/** A loaded model: `run` yields text pieces and returns how they were attributed. */
export interface ModelRunner {
  /** The model's attribution index (its exact datanet versions). */
  readonly index: AttributionIndex;
  run(input: RunInput, signal: AbortSignal): AsyncGenerator<string, RunResult, void>;
  close(): Promise<void>;
}

/** `text` cut after its first `maxTokens` tokens, or null when it has no more than that. */
export function cutToTokens(text: string, maxTokens: number): string | null {
  // Counting is the common case (streams call this per chunk); character offsets only for a cut.
  if (tokenIds({ text }).length <= maxTokens) return null;
  return text.slice(0, tokenize({ text }).charEnds[maxTokens - 1] ?? 0);
}

/** {@link traceAnswer}, and the time it took (ms), for runs that trace their own answers. */
export function traceAnswerTimed(
  index: AttributionIndex,
  text: string,
): { contributions: ContributionWeight[]; spans: TracedSpan[]; ms: number } {
  const started = performance.now();
  const traced = traceAnswer(index, text);
  return { ...traced, ms: performance.now() - started };
}

/** An answer's spans traced in the model's index, and the contributions they weigh (none when blank). */
export function traceAnswer(
  index: AttributionIndex,
  text: string,
): { contributions: ContributionWeight[]; spans: TracedSpan[] } {
  return text.trim() ? attribute({ index, text }) : { contributions: [], spans: [] };
}

/**
 * An answer's spans alone (none when blank): the same spans as {@link traceAnswer}'s, without
 * weighing them, for answers whose model attributed them already (infini-gram).
 */
export function traceAnswerSpans(index: AttributionIndex, text: string): TracedSpan[] {
  return text.trim() ? traceSpans({ index, text }).spans : [];
}
