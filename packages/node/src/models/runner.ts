/**
 * What every model kind offers the API: a run that streams text and ends with how the text was
 * attributed to contributions.
 */
import type { AttributionIndex } from '@tributary/attribution';
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
};

/** A loaded model: `run` yields text pieces and returns how they were attributed. */
export interface ModelRunner {
  /** The model's attribution index (its exact datanet versions). */
  readonly index: AttributionIndex;
  run(input: RunInput, signal: AbortSignal): AsyncGenerator<string, RunResult, void>;
  close(): Promise<void>;
}
