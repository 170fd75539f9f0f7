/**
 * Cooperative scheduling for long computations written as generators of steps (each step a few
 * milliseconds at most): run them to completion synchronously, or in slices that yield to the
 * event loop so that queries are answered while an index merge runs.
 */
import { AttributionError } from './errors.js';

/** A long computation as a generator: each `yield` marks a point where it may pause. */
export type Steps<T> = Generator<void, T, void>;

/**
 * Runs steps to completion without pausing.
 * @example
 * const segment = runSteps(buildSegmentSteps({ documents, contributions }));
 */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export type RunStepsAsyncOptions = {
  /** Longest stretch, in milliseconds, to run before yielding to the event loop (default 10). */
  sliceMs?: number | undefined;
  /** Stops the computation with an `ABORTED` error at the next pause. */
  signal?: AbortSignal | undefined;
};

/**
 * Runs steps in slices of at most `sliceMs`, yielding to the event loop between slices.
 * @example
 * const segment = await runStepsAsync(buildSegmentSteps({ documents, contributions }), { sliceMs: 10 });
 */
export async function runStepsAsync<T>(steps: Steps<T>, options: RunStepsAsyncOptions = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? 10;
  let deadline = performance.now() + sliceMs;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() >= deadline) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        steps.return(undefined as T);
        throw new AttributionError('Operation aborted', { code: 'ABORTED' });
      }
      deadline = performance.now() + sliceMs;
    }
  }
}
