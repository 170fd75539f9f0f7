/**
 * The removed-documents index of a segment: a small suffix array over the documents of removed
 * contributions in that segment, sharing the segment's dense vocabulary. Since matches never cross
 * documents, the occurrences of a pattern in live documents are exactly (occurrences in the
 * segment) − (occurrences in its removed index): takedowns apply to every count at once, without
 * rebuilding the segment.
 */
import {
  buildSegmentSteps,
  encodingIds,
  type Segment,
  type SegmentData,
  type SegmentDocument,
} from './segment.js';
import type { Steps } from './steps.js';

export type RemovedIndex = {
  /** Suffix array over the removed documents (null when none). */
  index: Segment | null;
  /** 1 for each contribution (by index in the segment) that was removed. */
  removedContributions: Uint8Array;
  removedDocuments: number;
  removedTokens: number;
};

export type BuildRemovedIndexParameters = {
  segment: SegmentData;
  tombstones: ReadonlySet<string>;
};

/**
 * Builds the removed-documents index of a segment for the current tombstones, as steps.
 * @example
 * const removed = runSteps(buildRemovedIndexSteps({ segment, tombstones: new Set(['7']) }));
 */
export function* buildRemovedIndexSteps(parameters: BuildRemovedIndexParameters): Steps<RemovedIndex> {
  const { segment, tombstones } = parameters;
  const removedContributions = new Uint8Array(segment.contributions.length);
  let any = false;
  segment.contributions.forEach((c, k) => {
    if (tombstones.has(c.contributionId)) {
      removedContributions[k] = 1;
      any = true;
    }
  });
  if (!any) return { index: null, removedContributions, removedDocuments: 0, removedTokens: 0 };
  const documents: SegmentDocument[] = [];
  let removedTokens = 0;
  for (let k = 0; k < segment.documentIds.length; k++) {
    if (!removedContributions[segment.documentContributions[k]!]) continue;
    const from = segment.documentStarts[k]!;
    const to = segment.documentStarts[k + 1]! - 1;
    documents.push({
      documentId: segment.documentIds[k]!,
      contribution: segment.documentContributions[k]!,
      tokens: encodingIds(segment, from, to),
    });
    removedTokens += to - from;
  }
  yield;
  const index = yield* buildSegmentSteps({
    documents,
    contributions: segment.contributions,
    vocabulary: segment.vocabulary,
  });
  return { index, removedContributions, removedDocuments: documents.length, removedTokens };
}
