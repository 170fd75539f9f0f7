import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { EmptyTextError, InvalidInputError, TextTooLongError } from './errors.js';
import { type NaiveDocument, naiveLongestMatches, naiveOccurrences } from './testHelpers.js';
import { indexTokenIds } from './tokenizer.js';
import { traceSpans } from './traceSpans.js';

let directory: string;
let index: AttributionIndex;
let naive: NaiveDocument[];
const texts = [
  'The quick brown fox jumps over the lazy dog near the quiet river bank at dawn.',
  'A slow green turtle 🐢 crawls under the busy bridge; café e\u0301 naïve 日本語 text.',
  'Rivers carry sediment from mountains to the sea, shaping deltas over millennia.',
  'The quick brown fox jumps over the lazy dog, said every typing teacher ever.',
  'the the the the the the the the the the the the',
  '',
  'one two three four five six seven eight',
  'zero five six seven eight nine ten eleven twelve',
];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'trace-spans-'));
  index = await openIndex({ directory, create: true, limits: { maxQueryCharacters: 2_000 } });
  const added = await index.addDocuments({
    documents: texts
      .slice(0, 3)
      .map((text, k) => ({ contributionId: String(k + 1), contributor: `0x${k}`, text })),
  });
  const more = await index.addDocuments({
    documents: texts
      .slice(3)
      .map((text, k) => ({ contributionId: String(k + 4), contributor: `0x${k + 3}`, text })),
  });
  const ids = [...added.documentIds, ...more.documentIds];
  naive = texts.map((text, k) => ({
    documentId: ids[k]!,
    contributionId: String(k + 1),
    tokens: Array.from(indexTokenIds({ text })),
    live: true,
  }));
});

afterAll(async () => {
  await index.close();
  await rm(directory, { recursive: true, force: true });
});

/** The spans OLMoTrace keeps, computed by brute force. */
function naiveSpans(query: number[], minLength: number, maxCount: number) {
  const lengths = naiveLongestMatches(naive, query);
  const spans: { start: number; end: number; count: number; contributions: string[] }[] = [];
  lengths.forEach((length, i) => {
    if (length < minLength || (i > 0 && length < lengths[i - 1]!)) return;
    const found = naiveOccurrences(naive, query.slice(i, i + length));
    if (found.length > maxCount) return;
    const contributions = [
      ...new Set(found.map(([d]) => naive.find((n) => n.documentId === d)!.contributionId)),
    ].sort();
    spans.push({ start: i, end: i + length, count: found.length, contributions });
  });
  return spans;
}

describe('traceSpans', () => {
  it('keeps exactly the maximal, informative spans a brute-force scan finds', () => {
    const pieces = naive.flatMap((d) => [d.tokens.slice(0, 9), d.tokens.slice(4, 15), d.tokens.slice(2)]);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.constantFrom(...pieces), fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 4 })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (parts, minLength, maxCount) => {
          const query = parts.flat();
          fc.pre(query.length > 0);
          const result = traceSpans({
            index,
            tokens: query,
            minLength,
            maxCount,
            maxChanceMatches: Number.POSITIVE_INFINITY,
            maxDocumentsPerSpan: 100,
          });
          const got = result.spans
            .map((s) => ({
              start: s.tokenStart,
              end: s.tokenEnd,
              count: s.count,
              contributions: s.contributions,
            }))
            .sort((a, b) => a.start - b.start);
          expect(got).toEqual(naiveSpans(query, minLength, maxCount));
          for (const span of result.spans) {
            // Every listed document really contains the span (spans never cross documents).
            for (const d of span.documents) {
              const tokens = naive.find((n) => n.documentId === d.documentId)!.tokens;
              const found = naiveOccurrences(
                [{ ...naive[0]!, tokens, documentId: 0 }],
                query.slice(span.tokenStart, span.tokenEnd),
              );
              expect(found.length).toBe(d.occurrences);
            }
          }
          // Ranked by information, rarest first.
          for (let k = 1; k < result.spans.length; k++) {
            expect(result.spans[k - 1]!.information).toBeGreaterThanOrEqual(result.spans[k]!.information);
          }
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });

  it('maps spans back to character ranges of the output, unicode included', () => {
    const output =
      'I saw a slow green turtle 🐢 crawls under the busy bridge; café e\u0301 naïve 日本語 text, truly.';
    const result = traceSpans({ index, text: output, minLength: 4 });
    expect(result.spans.length).toBeGreaterThan(0);
    for (const span of result.spans) {
      expect(output.slice(span.charStart, span.charEnd)).toBe(span.text);
      expect(texts[1]).toContain(span.text.trim());
      expect(span.contributions).toEqual(['2']);
      expect(span.contributors).toEqual(['0x1']);
    }
  });

  it('drops spans that occur too often', () => {
    const output = 'My quick brown fox jumps over the lazy dog today.';
    expect(traceSpans({ index, text: output, minLength: 4, maxCount: 1 }).spans).toEqual([]);
    const kept = traceSpans({ index, text: output, minLength: 4, maxCount: 2 }).spans;
    expect(kept.map((s) => [s.text, s.count, s.contributions])).toEqual([
      [' quick brown fox jumps over the lazy dog', 2, ['1', '4']],
    ]);
  });

  it('drops spans that would match by chance', () => {
    const output = 'Say the the the the the the the the now';
    const all = traceSpans({ index, text: output, minLength: 4, maxChanceMatches: Number.POSITIVE_INFINITY });
    expect(all.spans).toHaveLength(1);
    const { information } = all.spans[0]!;
    // Kept iff m · N · 2^(−I) ≤ maxChanceMatches.
    const chance = all.tokens * index.snapshot.tokenCount * 2 ** -(information / 1e6);
    expect(
      traceSpans({ index, text: output, minLength: 4, maxChanceMatches: chance * 1.01 }).spans,
    ).toHaveLength(1);
    expect(
      traceSpans({ index, text: output, minLength: 4, maxChanceMatches: chance * 0.99 }).spans,
    ).toHaveLength(0);
    expect(() => traceSpans({ index, text: output, maxChanceMatches: 0 })).toThrow(InvalidInputError);
  });

  it('merges overlapping spans for display', () => {
    const output = 'one two three four five six seven eight nine ten eleven twelve';
    const result = traceSpans({ index, text: output, minLength: 4 });
    expect(result.spans.map((s) => s.contributions)).toEqual(expect.arrayContaining([['7'], ['8']]));
    expect(result.spans).toHaveLength(2);
    const [first, second] = [...result.spans].sort((a, b) => a.tokenStart - b.tokenStart);
    expect(first!.tokenEnd).toBeGreaterThan(second!.tokenStart);
    expect(result.displaySpans).toHaveLength(1);
    expect(result.displaySpans[0]).toMatchObject({
      tokenStart: 0,
      tokenEnd: result.tokens,
      charStart: 0,
      charEnd: output.length,
    });
    expect([...result.displaySpans[0]!.spans].sort()).toEqual([0, 1]);
  });

  it('finds nothing in novel text', () => {
    const result = traceSpans({ index, text: 'Completely unrelated words about quantum chromodynamics.' });
    expect(result.spans).toEqual([]);
    expect(result.displaySpans).toEqual([]);
  });

  it('rejects empty, whitespace-only and over-long text, and bad options', () => {
    expect(() => traceSpans({ index, text: '' })).toThrow(EmptyTextError);
    expect(() => traceSpans({ index, text: ' \n\t ' })).toThrow(EmptyTextError);
    expect(() => traceSpans({ index, tokens: [] })).toThrow(EmptyTextError);
    expect(() => traceSpans({ index, text: 'x'.repeat(2_001) })).toThrow(TextTooLongError);
    expect(() => traceSpans({ index, text: 'fine', minLength: 0 })).toThrow(InvalidInputError);
    expect(() => traceSpans({ index, text: 'fine', maxCount: 1.5 })).toThrow(InvalidInputError);
    expect(() => traceSpans({ index } as never)).toThrow(InvalidInputError);
  });
});
