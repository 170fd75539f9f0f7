import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSegment,
  documentAt,
  longestPrefixMatch,
  type Segment,
  suffixRange,
  toDense,
} from './segment.js';
import { type NaiveDocument, naiveLongestMatches, naiveOccurrences } from './testHelpers.js';

const pool = [3, 17, 220, 1_000, 50_000, 199_997];
const token = fc.constantFrom(...pool);

/** Documents of adversarial shapes: random, empty, one token, one repeated token, periodic. */
const documentArb = fc.oneof(
  fc.array(token, { maxLength: 30 }),
  fc.constant([] as number[]),
  token.map((t) => [t]),
  fc.tuple(token, fc.integer({ min: 2, max: 40 })).map(([t, n]) => Array(n).fill(t) as number[]),
  fc
    .tuple(fc.array(token, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 12 }))
    .map(([period, times]) => [...Array(times)].flatMap(() => period)),
);

/** A document using 65,600 distinct token ids, which forces a 4-byte alphabet. */
const wideDocument = Array.from({ length: 65_600 }, (_, i) => 1_000_000 + i);

const corpusArb = fc.record({
  documents: fc.array(documentArb, { minLength: 1, maxLength: 8 }),
  wide: fc.boolean(),
  queries: fc.array(fc.array(token, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
});

function build(documents: number[][]): { segment: Segment; naive: NaiveDocument[] } {
  const segment = buildSegment({
    documents: documents.map((tokens, k) => ({
      documentId: k * 3,
      contribution: k % 2,
      tokens: Uint32Array.from(tokens),
    })),
    contributions: [
      { contributionId: '1', contributor: '0xa', datanetId: null },
      { contributionId: '2', contributor: '0xb', datanetId: null },
    ],
  });
  const naive = documents.map((tokens, k) => ({
    documentId: k * 3,
    contributionId: String(1 + (k % 2)),
    tokens,
    live: true,
  }));
  return { segment, naive };
}

function occurrences(segment: Segment, pattern: number[]): [number, number][] {
  const dense = toDense(segment, Uint32Array.from(pattern));
  const { lo, hi } = suffixRange(segment, dense, 0, pattern.length);
  const out: [number, number][] = [];
  for (let x = lo; x < hi; x++) {
    const position = segment.suffixArray.get(x);
    const d = documentAt(segment, position);
    const offset = position - segment.documentStarts[d]!;
    // No match runs across a document boundary.
    expect(offset + pattern.length).toBeLessThanOrEqual(
      segment.documentStarts[d + 1]! - 1 - segment.documentStarts[d]!,
    );
    out.push([segment.documentIds[d]!, offset]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('segment search', () => {
  it('counts, finds and longest-matches like a naive scan (2- and 4-byte alphabets)', () => {
    fc.assert(
      fc.property(corpusArb, ({ documents, wide, queries }) => {
        const { segment, naive } = build(wide ? [...documents, wideDocument] : documents);
        expect(segment.tokens.BYTES_PER_ELEMENT).toBe(wide ? 4 : 2);
        // Patterns: the queries plus every short substring of the documents.
        const patterns = [...queries];
        for (const d of documents)
          for (let i = 0; i < d.length; i++) patterns.push(d.slice(i, i + 1 + (i % 5)));
        for (const pattern of patterns)
          expect(occurrences(segment, pattern)).toEqual(naiveOccurrences(naive, pattern));
        for (const query of [...queries, ...documents.filter((d) => d.length > 0)]) {
          const dense = toDense(segment, Uint32Array.from(query));
          const lengths = query.map((_, i) => longestPrefixMatch(segment, dense, i, query.length));
          expect(lengths).toEqual(naiveLongestMatches(naive, query));
        }
      }),
      { seed: 42, numRuns: 120 },
    );
  });

  it('treats a token the segment lacks as a mismatch', () => {
    const { segment } = build([[3, 17, 3, 17]]);
    const dense = toDense(segment, Uint32Array.of(3, 17, 999, 3));
    expect(Array.from(dense)).toEqual([1, 2, -1, 1]);
    expect(longestPrefixMatch(segment, dense, 0, 4)).toBe(2);
    expect(longestPrefixMatch(segment, dense, 2, 4)).toBe(0);
    const { lo, hi } = suffixRange(segment, dense, 1, 2);
    expect(hi - lo).toBe(0);
  });

  it('records bucket sizes as unigram counts and separators per document', () => {
    const { segment } = build([[3, 3, 17], [], [17]]);
    const count = (d: number) => segment.bucketStarts[d + 1]! - segment.bucketStarts[d]!;
    expect(count(0)).toBe(3); // three documents, three separators
    expect(count(1)).toBe(2); // token 3
    expect(count(2)).toBe(2); // token 17
    expect(segment.tokenCount).toBe(4);
  });
});
