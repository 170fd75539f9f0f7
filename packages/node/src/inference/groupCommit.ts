/**
 * Group commit: items submitted while a batch is being written wait and go together into the next
 * one, so a busy node writes one transaction for many calls while an idle node writes each at once
 * (no timer, no added latency). A submitter's promise settles only after its batch committed. A
 * failed batch is retried item by item, so one bad item fails alone.
 */
export type GroupCommitOptions<I, O> = {
  /** Writes a batch in one transaction; returns one result per item, in order. */
  write(items: I[]): Promise<O[]>;
  /** Most items per batch. */
  maxBatch: number;
  /** How many items from the head of the queue may share a batch with the first (default: all). */
  compatible?(queue: readonly I[]): number;
};

export type GroupCommit<I, O> = {
  submit(item: I): Promise<O>;
  /** Resolves once nothing is queued or being written. */
  idle(): Promise<void>;
};

type Entry<I, O> = { item: I; resolve(value: O): void; reject(error: unknown): void };

export function createGroupCommit<I, O>(options: GroupCommitOptions<I, O>): GroupCommit<I, O> {
  const queue: Entry<I, O>[] = [];
  let running: Promise<void> | null = null;

  async function writeAlone(entry: Entry<I, O>) {
    try {
      entry.resolve((await options.write([entry.item]))[0]!);
    } catch (error) {
      entry.reject(error);
    }
  }

  async function pump() {
    try {
      await drain();
    } finally {
      // Cleared in the same turn the queue was seen empty: a later submit starts a new pump.
      running = null;
    }
  }

  async function drain() {
    while (queue.length > 0) {
      const fits = options.compatible?.(queue.map((e) => e.item)) ?? queue.length;
      const batch = queue.splice(0, Math.max(1, Math.min(options.maxBatch, fits)));
      if (batch.length === 1) {
        await writeAlone(batch[0]!);
        continue;
      }
      try {
        const results = await options.write(batch.map((e) => e.item));
        for (const [i, entry] of batch.entries()) entry.resolve(results[i]!);
      } catch {
        for (const entry of batch) await writeAlone(entry);
      }
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= pump();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
