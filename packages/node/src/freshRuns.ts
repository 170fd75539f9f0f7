/**
 * Shared runs of an idempotent task for callers that must each see a run that began after they
 * asked: the first caller starts one; callers arriving while it runs share the single run that
 * starts when it ends (joining the one in progress could miss what changed just before they
 * asked). Under load, one run in flight and one queued serve every caller.
 */
export type FreshRuns<T> = {
  /** A run of the task that starts no earlier than this call. */
  (): Promise<T>;
  /** The run in progress, if any (to wait for it on shutdown). */
  readonly current: () => Promise<T> | null;
};

/**
 * @example
 * const check = freshRuns(() => stampsUnchanged(dir, stamps));
 * await Promise.all([check(), check()]); // one stat pass (or two when one was already running)
 */
export function freshRuns<T>(task: () => Promise<T>): FreshRuns<T> {
  let running: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const run = (): Promise<T> => {
    if (!running) {
      const started: Promise<T> = task().finally(() => {
        if (running === started) running = null;
      });
      running = started;
      return started;
    }
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = null;
        return run();
      });
    return queued;
  };
  return Object.assign(run, { current: () => running });
}
