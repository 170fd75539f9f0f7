/**
 * The attribution index of a model's training data, built the same way everywhere (the node's
 * build job and anyone re-checking a receipt from public snapshots): documents ordered by datanet
 * id then contribution id, added in batches of 200, merged into one segment. Same documents, same
 * bytes, same index root.
 */
import { type AttributionIndex, compareContributionIds, openIndex } from '@tributary/attribution';

/** A document of a model's training data. */
export type TrainingDocument = {
  contributionId: string;
  contributor: string;
  datanetId: string;
  text: string;
};

const BATCH = 200;

/** Sorts training documents into the canonical order (ids are decimal strings: numeric order). */
export function canonicalOrder(documents: readonly TrainingDocument[]): TrainingDocument[] {
  return [...documents].sort(
    (a, b) =>
      compareContributionIds(a.datanetId, b.datanetId) ||
      compareContributionIds(a.contributionId, b.contributionId),
  );
}

export type BuildTrainingIndexParameters = {
  directory: string;
  documents: readonly TrainingDocument[];
  onProgress?: (done: number, total: number) => Promise<void> | void;
};

/** Builds the index in `directory` (which must not hold one) and returns it open. */
export async function buildTrainingIndex({
  directory,
  documents,
  onProgress,
}: BuildTrainingIndexParameters): Promise<AttributionIndex> {
  const ordered = canonicalOrder(documents);
  const index = await openIndex({ directory, create: true });
  try {
    for (let start = 0; start < ordered.length; start += BATCH) {
      await index.addDocuments({ documents: ordered.slice(start, start + BATCH) });
      await onProgress?.(Math.min(start + BATCH, ordered.length), ordered.length);
    }
    if (index.stats().segments.length > 1) await index.merge({ full: true });
    return index;
  } catch (error) {
    await index.close();
    throw error;
  }
}
