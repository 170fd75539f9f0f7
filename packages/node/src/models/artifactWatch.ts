/**
 * The periodic full re-hash of loaded model artifacts (every `models.rehashIntervalMs`): it finds a
 * change the per-call `stat` check cannot see (same size, modification time reset).
 */
import type { Context } from '../context.js';
import { checkLoadedArtifacts } from './loadServedModel.js';

/** Starts the periodic check; `stop` waits for a check in progress. */
export function startArtifactWatch(ctx: Context): { stop(): Promise<void> } {
  const every = ctx.config.models.rehashIntervalMs;
  let running: Promise<unknown> = Promise.resolve();
  const timer =
    every > 0
      ? setInterval(() => {
          running = running.then(() =>
            checkLoadedArtifacts(ctx).catch((err) => ctx.logger.error({ err }, 'artifact re-hash failed')),
          );
        }, every)
      : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
