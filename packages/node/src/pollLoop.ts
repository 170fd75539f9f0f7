/**
 * A background job that runs one pass every `pollMs` (0: never) until stopped: the next pass is
 * scheduled when the previous one ends, a failed pass is logged and retried at the next tick, and
 * `stop` waits for a pass in flight.
 */
import type { Logger } from './logger.js';

export function startPollLoop({
  pollMs,
  pass,
  name,
  logger,
}: {
  pollMs: number;
  pass: () => Promise<unknown>;
  name: string;
  logger: Logger;
}): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (stopped || pollMs === 0) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((error) => logger.warn({ reason: (error as Error).message }, `${name} pass failed; retrying`))
        .finally(schedule);
    }, pollMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
