/**
 * One model run for one call, wherever it runs (a pool worker, or the request thread when the pool
 * has no workers): it generates, hands the text out in pieces, and on `finish` attributes exactly
 * the text the call is charged for — all of it, or only the part that left the node before the
 * client went away (a cut answer, attributed by its traced spans, `finish_reason` "cancelled").
 */
import { tokenIds } from '@tributary/attribution';
import {
  type ModelRunner,
  type RunInput,
  type RunResult,
  traceAnswer,
  traceAnswerSpans,
} from '../models/runner.js';
import type { AttributedContribution } from '../receipts/buildReceipt.js';

export type FinishReason = 'stop' | 'length' | 'cancelled';

/** A traced span as the API shows it (plain data: it crosses threads). */
export type AttributionSpan = {
  charStart: number;
  charEnd: number;
  text: string;
  count: number;
  contributions: string[];
};

/** What a finished run charges for, and how that text is attributed. */
export type SessionOutcome = {
  /** The charged text: the whole answer, or the part that left the node before a cancellation. */
  text: string;
  outputTokens: number;
  /** The charged text's token ids (receipt evidence needs them; counted here, off the request thread). */
  outputIds: Uint32Array;
  finishReason: FinishReason;
  attribution: { method: string; contributions: AttributedContribution[] };
  spans: AttributionSpan[];
  /** Time the model spent producing text (its own time, not the node's overhead), ms. */
  generationMs: number;
  /** Time spent attributing the charged text (in the run, then tracing its spans here), ms. */
  attributionMs: number;
};

export type FinishOptions = {
  /** Characters of the generated text to charge (the text that left the node); null: all of it. */
  chars: number | null;
  /** The client went away: stop generating. */
  cancelled: boolean;
};

/** Runs `runner` on `input`; `onPiece` receives the text as it is generated. */
export class GenerationSession {
  readonly #runner: ModelRunner;
  readonly #input: RunInput;
  readonly #abort = new AbortController();
  readonly #generated: Promise<RunResult | null>;
  #text = '';
  #generationMs = 0;
  #cancelled = false;

  constructor(runner: ModelRunner, input: RunInput, onPiece: (piece: string) => void) {
    this.#runner = runner;
    this.#input = input;
    this.#generated = this.#generate(onPiece);
    // A failure surfaces through `finish`; never as an unhandled rejection meanwhile.
    this.#generated.catch(() => {});
  }

  /** Resolves when generation has ended (whatever the reason); never rejects. */
  get ended(): Promise<void> {
    return this.#generated.then(
      () => {},
      () => {},
    );
  }

  /** Stops generating (the client left); a later `finish` charges what exists. */
  cancel(): void {
    this.#cancelled = true;
    this.#abort.abort();
  }

  /** Ends the run: waits for generation to stop and attributes the charged text. */
  async finish(options: FinishOptions): Promise<SessionOutcome> {
    if (options.cancelled) this.cancel();
    const result = await this.#generated; // a generation failure (not a cancellation) throws here
    const text = options.chars === null ? this.#text : this.#text.slice(0, options.chars);
    const complete = result !== null && text.length === this.#text.length;
    const outputIds = text ? tokenIds({ text }) : new Uint32Array(0);
    const outputTokens = Math.min(outputIds.length, this.#input.maxTokens);
    const tracing = performance.now();
    if (complete) {
      const spans = result.spans ?? traceAnswerSpans(this.#runner.index, text);
      return {
        text,
        outputTokens,
        outputIds,
        finishReason: result.finishReason,
        attribution: result.attribution,
        spans: spans.map(plainSpan),
        generationMs: this.#generationMs,
        attributionMs: result.attributionMs + performance.now() - tracing,
      };
    }
    // Cut short: the model's own attribution covers text the payer never got, so the charged
    // text is weighed by its spans (as an upstream answer is), which anyone can re-trace.
    const traced = traceAnswer(this.#runner.index, text);
    return {
      text,
      outputTokens,
      outputIds,
      finishReason: 'cancelled',
      attribution: { method: 'spans', contributions: traced.contributions },
      spans: traced.spans.map(plainSpan),
      generationMs: this.#generationMs,
      attributionMs: performance.now() - tracing,
    };
  }

  /** Generates until the model ends (its result) or the run is cancelled (null). */
  async #generate(onPiece: (piece: string) => void): Promise<RunResult | null> {
    const pieces = this.#runner.run(this.#input, this.#abort.signal);
    try {
      for (;;) {
        const started = performance.now();
        const step = await pieces.next();
        const stepMs = performance.now() - started;
        if (step.done) {
          // The last step ends the model's text (an upstream closing its stream), then the run
          // attributes it: that part is the node's overhead, named as attribution. Time the run
          // yielded to other work is the node's too (queueing), not the model's.
          const { attributionMs, yieldedMs = 0 } = step.value;
          this.#generationMs = Math.max(0, this.#generationMs + stepMs - attributionMs - yieldedMs);
          return this.#cancelled ? null : step.value;
        }
        this.#generationMs += stepMs;
        this.#text += step.value;
        onPiece(step.value);
        if (this.#cancelled) {
          await pieces.return(undefined as never);
          return null;
        }
      }
    } catch (error) {
      if (this.#cancelled) return null; // the runner noticed the cancellation by failing
      throw error;
    }
  }
}

const plainSpan = (s: AttributionSpan): AttributionSpan => ({
  charStart: s.charStart,
  charEnd: s.charEnd,
  text: s.text,
  count: s.count,
  contributions: [...s.contributions],
});
