/**
 * In-process keyed mutexes: work under the same key runs one at a time (per datanet, per sender).
 * The database's constraints guard the same invariants across processes.
 */
export type Locks = ReturnType<typeof createLocks>;

/** A set of keyed mutexes. */
export function createLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    /** Runs `fn` after every earlier `run` with the same key has finished. */
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(fn, fn);
      const tail = result.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
