/**
 * The flat tables behind a next-token distribution: its blocks (one segment's occurrences of the
 * suffix followed by one token, a suffix-array range) and its candidates (the blocks grouped by
 * token, ranked by count), in typed arrays that a search reuses from one distribution to the next.
 * Generation computes a distribution per token; arrays grown by `push`, per-candidate objects and
 * per-step closures were most of its garbage (~3 MB per 200-token answer, a scavenge every few
 * answers on the thread that serves them).
 */

/** The blocks found so far for one distribution. */
export class BlockTable {
  size = 0;
  token = new Uint32Array(64);
  segment = new Uint32Array(64);
  lo = new Uint32Array(64);
  hi = new Uint32Array(64);
  /** Occurrences in live documents (hi − lo less the removed ones). */
  live = new Uint32Array(64);

  add(token: number, segment: number, lo: number, hi: number, live: number): void {
    if (this.size === this.token.length) this.#grow();
    const k = this.size++;
    this.token[k] = token;
    this.segment[k] = segment;
    this.lo[k] = lo;
    this.hi[k] = hi;
    this.live[k] = live;
  }

  #grow(): void {
    const grow = (a: Uint32Array) => {
      const bigger = new Uint32Array(a.length * 2);
      bigger.set(a);
      return bigger;
    };
    this.token = grow(this.token);
    this.segment = grow(this.segment);
    this.lo = grow(this.lo);
    this.hi = grow(this.hi);
    this.live = grow(this.live);
  }
}

/**
 * Candidates ranked by count (descending), then token (ascending): candidate r < `size` is
 * `tokens[r]` with `counts[r]` live occurrences, and its blocks are `order[first[r], end[r])` of
 * the block table. The arrays may be longer than `size` (reused space: read below it only).
 */
export type RankedCandidates = {
  size: number;
  total: number;
  tokens: Uint32Array;
  /** Doubles: a token's count summed over segments may pass 2^32. */
  counts: Float64Array;
  first: Uint32Array;
  end: Uint32Array;
  /** Blocks grouped by candidate (in the order candidates were first seen), then as found. */
  order: Uint32Array;
};

/** A Uint32Array of at least `n` elements: `a` itself when it is large enough. */
function atLeast(a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> {
  return a.length >= n ? a : new Uint32Array(2 ** Math.ceil(Math.log2(n)));
}

/** A Float64Array of at least `n` elements: `a` itself when it is large enough. */
function atLeastF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return a.length >= n ? a : new Float64Array(2 ** Math.ceil(Math.log2(n)));
}

/** Reusable space for {@link rankBlocks}. */
export class RankScratch {
  seenToken = new Uint32Array(64);
  seenCount = new Float64Array(64);
  seenFirst = new Uint32Array(64);
  seenEnd = new Uint32Array(64);
  order = new Uint32Array(64);
  rank = new Uint32Array(64);
  tokens = new Uint32Array(64);
  counts = new Float64Array(64);
  first = new Uint32Array(64);
  end = new Uint32Array(64);
  keys = new Float64Array(64);

  /** Makes room for `blocks` blocks (and as many candidates). */
  reserve(blocks: number): void {
    if (this.seenToken.length >= blocks) return;
    this.seenToken = atLeast(this.seenToken, blocks);
    this.seenCount = atLeastF64(this.seenCount, blocks);
    this.seenFirst = atLeast(this.seenFirst, blocks);
    this.seenEnd = atLeast(this.seenEnd, blocks);
    this.order = atLeast(this.order, blocks);
    this.rank = atLeast(this.rank, blocks);
    this.tokens = atLeast(this.tokens, blocks);
    this.counts = atLeastF64(this.counts, blocks);
    this.first = atLeast(this.first, blocks);
    this.end = atLeast(this.end, blocks);
    this.keys = atLeastF64(this.keys, blocks);
  }
}

/**
 * Groups the blocks by token (a counting sort through `slots`, token → candidate + 1, all 0 before
 * and after) and ranks the candidates. The result's arrays are `scratch`'s (longer than `size`,
 * valid until its next use) unless `own`, when they are copies of `size`.
 */
export function rankBlocks(
  blocks: BlockTable,
  slots: Int32Array,
  scratch: RankScratch,
  own: boolean,
): RankedCandidates {
  const nb = blocks.size;
  scratch.reserve(nb);
  // Candidates in the order first seen: token, count, first block (and then a block cursor).
  const { seenToken, seenCount, seenFirst, seenEnd, order } = scratch;
  let n = 0;
  let total = 0;
  let most = 0;
  // The slots must be all 0 again whatever happens: the next distribution on this thread reads them.
  try {
    for (let k = 0; k < nb; k++) {
      const token = blocks.token[k]!;
      let c = slots[token]!;
      if (c === 0) {
        seenToken[n] = token;
        seenCount[n] = 0;
        seenEnd[n] = 0;
        c = ++n;
        slots[token] = c;
      }
      const live = blocks.live[k]!;
      seenCount[c - 1]! += live;
      seenEnd[c - 1]!++;
      total += live;
    }
    let at = 0;
    for (let c = 0; c < n; c++) {
      seenFirst[c] = at;
      at += seenEnd[c]!;
      seenEnd[c] = seenFirst[c]!;
      if (seenCount[c]! > most) most = seenCount[c]!;
    }
    for (let k = 0; k < nb; k++) order[seenEnd[slots[blocks.token[k]!]! - 1]!++] = k;

    const rank = rankOrder(scratch, n, most, slots);
    const tokens = own ? new Uint32Array(n) : scratch.tokens;
    const counts = own ? new Float64Array(n) : scratch.counts;
    const first = own ? new Uint32Array(n) : scratch.first;
    const end = own ? new Uint32Array(n) : scratch.end;
    for (let r = 0; r < n; r++) {
      const c = rank[r]!;
      tokens[r] = seenToken[c]!;
      counts[r] = seenCount[c]!;
      first[r] = seenFirst[c]!;
      end[r] = seenEnd[c]!;
    }
    return { size: n, total, tokens, counts, first, end, order: own ? order.slice(0, nb) : order };
  } finally {
    for (let c = 0; c < n; c++) slots[seenToken[c]!] = 0;
  }
}

/**
 * The candidates (by first seen) in rank order: one numeric sort of the keys
 * count · 2^b + (2^b − 1 − token) when they fit in a double's 53 bits (a comparator sort of tens of
 * thousands costs ten times more), mapped back through `slots`; else by comparator.
 */
function rankOrder(scratch: RankScratch, n: number, most: number, slots: Int32Array): Uint32Array {
  const { seenToken: tokens, seenCount: counts, rank } = scratch;
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(slots.length)));
  if (most * scale >= 2 ** 53) {
    const byRank = Array.from({ length: n }, (_, c) => c).sort(
      (a, b) => counts[b]! - counts[a]! || tokens[a]! - tokens[b]!,
    );
    rank.set(byRank);
    return rank;
  }
  const keys = scratch.keys.subarray(0, n);
  for (let c = 0; c < n; c++) keys[c] = counts[c]! * scale + (scale - 1 - tokens[c]!);
  keys.sort();
  for (let r = 0; r < n; r++) rank[r] = slots[scale - 1 - (keys[n - 1 - r]! % scale)]! - 1;
  return rank;
}
