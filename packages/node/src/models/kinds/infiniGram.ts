/**
 * `infini-gram` models: an unbounded n-gram language model over the index of the model's datanet
 * versions. Each next token continues the longest suffix of the text so far that the data
 * continues (infini-gram back-off), sampled with temperature / top-k from a seed. Attribution is
 * exact: every generated token's supporting occurrences, aggregated to contributions (each
 * output token weighs the same).
 */
import { type AttributionIndex, generate, supportWeights } from '@tributary/attribution';
import type { ModelRunner, RunResult } from '../runner.js';

export function createInfiniGramRunner({ index }: { index: AttributionIndex }): ModelRunner {
  return {
    index,
    async *run(input, signal): AsyncGenerator<string, RunResult, void> {
      const generation = generate({
        index,
        prompt: input.prompt,
        maxTokens: input.maxTokens,
        temperature: input.temperature,
        topK: input.topK ?? 0,
        seed: input.seed ?? 0,
        stop: input.stop,
      });
      let steps = 0;
      let yieldedMs = 0;
      for (const step of generation) {
        if (signal.aborted) break;
        if (step.text) yield step.text;
        // Generation is synchronous: let other requests in now and then.
        if (++steps % 32 === 0) {
          const yielding = performance.now();
          await new Promise<void>((resolve) => setImmediate(resolve));
          yieldedMs += performance.now() - yielding;
        }
      }
      const weighing = performance.now();
      const weights = supportWeights({ steps: generation.steps, per: 'tokens' });
      return {
        finishReason: generation.finishReason ?? 'stop',
        attribution: { method: 'infini-gram', contributions: weights.contributions },
        attributionMs: performance.now() - weighing,
        yieldedMs,
      };
    },
    close: () => index.close(),
  };
}
