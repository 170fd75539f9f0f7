/**
 * One attribution index per datanet, updated as contributions are accepted or taken down, so a
 * new contribution is attributable at once. Opened lazily, kept open, closed on shutdown.
 */
import { join } from 'node:path';
import { type AttributionIndex, type DocumentInput, openIndex } from '@tributary/attribution';

export type LiveIndexes = ReturnType<typeof createLiveIndexes>;

/** The live indexes of the datanets under `dir`. */
export function createLiveIndexes(dir: string) {
  const open = new Map<string, Promise<AttributionIndex>>();
  const indexOf = (datanetId: string) => {
    let index = open.get(datanetId);
    if (!index) {
      index = openIndex({ directory: join(dir, `datanet-${datanetId}`), create: true });
      open.set(datanetId, index);
      index.catch(() => open.delete(datanetId));
    }
    return index;
  };
  return {
    indexOf,
    /** Adds documents of one datanet as a new segment; attributable when this resolves. */
    async add(datanetId: string, documents: readonly DocumentInput[]): Promise<void> {
      const index = await indexOf(datanetId);
      // A crash between adding and recording leaves some already in: add each contribution once.
      const fresh = documents.filter((d) => !index.hasContribution(d.contributionId));
      if (fresh.length === 0) return;
      await index.addDocuments({ documents: fresh });
    },
    /** Excludes a contribution from every answer at once (and from disk at the next merge). */
    async remove(datanetId: string, contributionId: bigint): Promise<void> {
      const index = await indexOf(datanetId);
      await index.removeContribution({ contributionId });
    },
    async close(): Promise<void> {
      const indexes = await Promise.allSettled(open.values());
      open.clear();
      for (const result of indexes) if (result.status === 'fulfilled') await result.value.close();
    },
  };
}
