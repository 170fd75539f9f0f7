/** A segment as the merge policy sees it. */
export type MergeCandidate = {
  name: string;
  /** Live tokens. */
  tokens: number;
  /** Whether it holds documents of removed contributions (to be dropped from disk). */
  hasRemoved: boolean;
};

export type SelectSegmentsToMergeParameters = {
  segments: readonly MergeCandidate[];
  /** Merge everything into one segment. */
  full?: boolean | undefined;
  /** A segment joins the merge while its size is at most `ratio` × the sizes already chosen. */
  ratio?: number | undefined;
};

/**
 * Chooses the segments of the next merge (size-tiered): the smallest segments, each added while it
 * is at most `ratio` (default 4) times the total of those before it, plus every segment holding
 * removed documents. So each token is rewritten O(log n) times as the index grows, and a takedown
 * leaves the disk at the next merge. Returns the names to merge (empty: nothing to do).
 * @example
 * selectSegmentsToMerge({ segments: [{ name: 'a', tokens: 10, hasRemoved: false }, { name: 'b', tokens: 12, hasRemoved: false }] }); // ['a', 'b']
 */
export function selectSegmentsToMerge(parameters: SelectSegmentsToMergeParameters): string[] {
  const { segments } = parameters;
  if (parameters.full) {
    return segments.length > 1 || segments.some((s) => s.hasRemoved) ? segments.map((s) => s.name) : [];
  }
  const ratio = parameters.ratio ?? 4;
  const bySize = [...segments].sort((a, b) => a.tokens - b.tokens || (a.name < b.name ? -1 : 1));
  const chosen = new Set<string>();
  let total = 0;
  for (const segment of bySize) {
    if (chosen.size > 0 && segment.tokens > ratio * Math.max(1, total)) break;
    chosen.add(segment.name);
    total += segment.tokens;
  }
  if (chosen.size < 2) chosen.clear();
  for (const segment of segments) if (segment.hasRemoved) chosen.add(segment.name);
  return segments.filter((s) => chosen.has(s.name)).map((s) => s.name);
}
