/**
 * Merging segments: the live documents of several segments, in document-id order, laid out as one
 * new segment (a new dense vocabulary of exactly the tokens they use) and suffix-sorted. Documents
 * of removed contributions are left out, which is how a takedown leaves the disk.
 */
import {
  allocateSegmentText,
  type ContributionRecord,
  finishSegmentSteps,
  type Segment,
  type SegmentData,
  type SegmentLayout,
} from './segment.js';
import type { Steps } from './steps.js';

export type MergeSource = {
  segment: SegmentData;
  /** Contributions (by id) whose documents are left out. */
  removed: ReadonlySet<string>;
};

export type MergeSegmentsParameters = {
  sources: readonly MergeSource[];
};

/**
 * Merges segments as steps (drive with `runSteps` or `runStepsAsync`); returns null when no live
 * document is left.
 * @example
 * const merged = runSteps(mergeSegmentsSteps({ sources: [{ segment: a, removed }, { segment: b, removed }] }));
 */
export function* mergeSegmentsSteps(parameters: MergeSegmentsParameters): Steps<Segment | null> {
  const { sources } = parameters;
  // Live documents of all sources, in document-id order.
  const kept: { source: number; document: number; documentId: number }[] = [];
  for (let s = 0; s < sources.length; s++) {
    const { segment, removed } = sources[s]!;
    const dead = segment.contributions.map((c) => removed.has(c.contributionId));
    for (let k = 0; k < segment.documentIds.length; k++) {
      if (!dead[segment.documentContributions[k]!]) {
        kept.push({ source: s, document: k, documentId: segment.documentIds[k]! });
      }
    }
  }
  yield;
  if (kept.length === 0) return null;
  kept.sort((a, b) => a.documentId - b.documentId);
  yield;

  // Vocabulary: the encoding ids used by the kept documents.
  const used = sources.map((s) => new Uint8Array(s.segment.vocabulary.length + 1));
  let total = 0;
  let sinceYield = 0;
  for (const { source, document } of kept) {
    const { tokens, documentStarts } = sources[source]!.segment;
    const mark = used[source]!;
    const from = documentStarts[document]!;
    const to = documentStarts[document + 1]! - 1;
    for (let i = from; i < to; i++) mark[tokens[i]!] = 1;
    total += to - from + 1;
    sinceYield += to - from;
    if (sinceYield > 1 << 18) {
      sinceYield = 0;
      yield;
    }
  }
  let maxId = 0;
  for (const s of sources) {
    const v = s.segment.vocabulary;
    if (v.length > 0) maxId = Math.max(maxId, v[v.length - 1]!);
  }
  const present = new Uint8Array(maxId + 1);
  sources.forEach((s, k) => {
    const mark = used[k]!;
    for (let d = 1; d < mark.length; d++) if (mark[d]) present[s.segment.vocabulary[d - 1]!] = 1;
  });
  let size = 0;
  for (let id = 0; id <= maxId; id++) size += present[id]!;
  const vocabulary = new Uint32Array(size);
  const denseOfId = new Uint32Array(maxId + 1);
  for (let id = 0, d = 0; id <= maxId; id++) {
    if (present[id]) {
      vocabulary[d] = id;
      denseOfId[id] = ++d;
    }
  }
  const remap = sources.map((s) => {
    const table = new Uint32Array(s.segment.vocabulary.length + 1);
    for (let d = 1; d < table.length; d++) table[d] = denseOfId[s.segment.vocabulary[d - 1]!]!;
    return table;
  });
  yield;

  // Contributions, in order of first appearance.
  const contributions: ContributionRecord[] = [];
  const contributionIndex = new Map<string, number>();
  const alphabet = vocabulary.length + 1;
  const { tokens, arena } = allocateSegmentText({ length: total, alphabetSize: alphabet });
  const counts = new Uint32Array(alphabet);
  const documentStarts = new Uint32Array(kept.length + 1);
  const documentIds = new Uint32Array(kept.length);
  const documentContributions = new Uint32Array(kept.length);
  let at = 0;
  sinceYield = 0;
  for (let k = 0; k < kept.length; k++) {
    const { source, document, documentId } = kept[k]!;
    const segment = sources[source]!.segment;
    const record = segment.contributions[segment.documentContributions[document]!]!;
    let c = contributionIndex.get(record.contributionId);
    if (c === undefined) {
      c = contributions.length;
      contributionIndex.set(record.contributionId, c);
      contributions.push({ ...record });
    }
    documentStarts[k] = at;
    documentIds[k] = documentId;
    documentContributions[k] = c;
    const table = remap[source]!;
    const from = segment.documentStarts[document]!;
    const to = segment.documentStarts[document + 1]! - 1;
    const sourceTokens = segment.tokens;
    for (let i = from; i < to; i++) {
      const d = table[sourceTokens[i]!]!;
      tokens[at++] = d;
      counts[d]!++;
    }
    tokens[at++] = 0;
    counts[0]!++;
    sinceYield += to - from;
    if (sinceYield > 1 << 18) {
      sinceYield = 0;
      yield;
    }
  }
  documentStarts[kept.length] = at;
  const layout: SegmentLayout = {
    tokens,
    arena,
    vocabulary,
    counts,
    documentStarts,
    documentIds,
    documentContributions,
    contributions,
  };
  return yield* finishSegmentSteps(layout);
}
