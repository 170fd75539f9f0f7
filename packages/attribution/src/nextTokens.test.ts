import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionIndex } from './attributionIndex.js';
import { InvalidInputError, TextTooLongError } from './errors.js';
import { type NextTokenDistributionReturnType, nextTokenDistribution } from './nextTokens.js';
import {
  addInBatches,
  type Doc,
  randomDocuments,
  removeContributions,
  temporaryIndexes,
} from './testCorpus.js';
import { type NaiveDocument, naiveNextTokens } from './testHelpers.js';
import { indexTokenIds } from './tokenizer.js';

const indexes = temporaryIndexes('next-tokens-');
const freshIndex = indexes.fresh;
afterAll(indexes.cleanUp);

function comparable(result: NextTokenDistributionReturnType) {
  return {
    suffixLength: result.suffixLength,
    total: result.total,
    candidates: result.candidates.map((c) => ({
      token: c.token,
      count: c.count,
      support: Object.fromEntries(c.support.map((s) => [s.contributionId, s.occurrences])),
    })),
  };
}

/** Contexts: pieces of documents (removed ones too), random tokens, and mixtures. */
function contextArb(naive: NaiveDocument[]) {
  const pieces = naive.flatMap((d) => [d.tokens.slice(0, 6), d.tokens.slice(3, 12), d.tokens.slice(-5)]);
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(...pieces),
        fc.array(fc.constantFrom(...naive.flatMap((d) => d.tokens)), { maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 2 }),
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.flat());
}

describe('nextTokenDistribution', () => {
  let index: AttributionIndex;
  let naive: NaiveDocument[];
  let docs: Doc[];

  beforeAll(async () => {
    index = await freshIndex();
    docs = randomDocuments(5, 120);
    naive = await addInBatches(index, docs, 4);
    await removeContributions(index, naive, ['3', '11']);
  });

  it('equals a brute-force scan across segments and takedowns', () => {
    fc.assert(
      fc.property(
        contextArb(naive),
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        (context, maxSuffixLength) => {
          const result = nextTokenDistribution({ index, tokens: context, maxSuffixLength });
          expect(comparable(result)).toEqual(naiveNextTokens(naive, context, maxSuffixLength));
          expect(result.sampled).toBe(false);
          for (const c of result.candidates) {
            for (const s of c.support) {
              const doc = docs.find((d) => d.contributionId === s.contributionId)!;
              expect(s.contributor).toBe(doc.contributor);
              expect(s.datanetId).toBe(doc.datanetId);
            }
          }
        },
      ),
      { seed: 41, numRuns: 300 },
    );
  });

  it('equals a brute-force scan on random corpora, before and after a merge', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 12 }).map(String), { maxLength: 3 }),
        async (seed, batches, removed) => {
          const fresh = await freshIndex();
          const corpus = await addInBatches(fresh, randomDocuments(seed, 25), batches);
          await removeContributions(fresh, corpus, removed);
          const contexts = fc.sample(contextArb(corpus), { seed, numRuns: 15 });
          const check = () => {
            for (const context of contexts) {
              expect(comparable(nextTokenDistribution({ index: fresh, tokens: context }))).toEqual(
                naiveNextTokens(corpus, context),
              );
            }
          };
          check();
          await fresh.merge({ full: true });
          check();
        },
      ),
      { seed: 7, numRuns: 12 },
    );
  });

  it('backs off to the unigram distribution for an empty or unknown context', () => {
    const unigram = nextTokenDistribution({ index, tokens: [] });
    expect(unigram.suffixLength).toBe(0);
    expect(unigram.total).toBe(index.snapshot.tokenCount);
    expect(comparable(unigram)).toEqual(naiveNextTokens(naive, []));
    const unknown = nextTokenDistribution({ index, text: ' zebra' });
    expect(comparable(unknown)).toEqual(comparable(unigram));
    expect(nextTokenDistribution({ index, text: '' }).suffixLength).toBe(0);
  });

  it('never continues from a removed contribution', () => {
    const removedDocs = naive.filter((d) => !d.live && d.tokens.length > 8);
    expect(removedDocs.length).toBeGreaterThan(0);
    for (const d of removedDocs) {
      const result = nextTokenDistribution({ index, tokens: d.tokens.slice(0, 8) });
      for (const c of result.candidates)
        for (const s of c.support) expect(['3', '11']).not.toContain(s.contributionId);
    }
  });

  it('matches the text form and honours limit', () => {
    const text = ' the river runs over';
    const byText = nextTokenDistribution({ index, text });
    expect(byText).toEqual(nextTokenDistribution({ index, tokens: indexTokenIds({ text }) }));
    const limited = nextTokenDistribution({ index, text, limit: 1 });
    expect(limited.candidates).toEqual(byText.candidates.slice(0, 1));
    expect(limited.total).toBe(byText.total);
  });

  it('reads a deterministic subset of the support past maxOccurrences, with exact counts', () => {
    const exact = nextTokenDistribution({ index, text: ' the' });
    expect(exact.total).toBeGreaterThan(20);
    const sampled = nextTokenDistribution({ index, text: ' the', maxOccurrences: 10 });
    expect(sampled.sampled).toBe(true);
    expect(sampled.candidates.map((c) => [c.token, c.count])).toEqual(
      exact.candidates.map((c) => [c.token, c.count]),
    );
    let read = 0;
    let blocks = 0;
    sampled.candidates.forEach((c, k) => {
      expect(c.support.length).toBeGreaterThan(0);
      const exactSupport = new Map(
        exact.candidates[k]!.support.map((s) => [s.contributionId, s.occurrences]),
      );
      for (const s of c.support) {
        expect(s.occurrences).toBeLessThanOrEqual(exactSupport.get(s.contributionId)!);
        read += s.occurrences;
      }
      blocks += index.snapshot.segments.length;
    });
    expect(read).toBeLessThanOrEqual(10 + blocks);
    expect(nextTokenDistribution({ index, text: ' the', maxOccurrences: 10 })).toEqual(sampled);
  });

  it('refuses malformed options', () => {
    expect(() => nextTokenDistribution({ index, tokens: [1.5] })).toThrow(InvalidInputError);
    expect(() => nextTokenDistribution({ index, tokens: [1], maxSuffixLength: -1 })).toThrow(
      InvalidInputError,
    );
    expect(() => nextTokenDistribution({ index, tokens: [1], maxOccurrences: 0 })).toThrow(InvalidInputError);
    expect(() => nextTokenDistribution({ index, tokens: [1], limit: -2 })).toThrow(InvalidInputError);
    const tooLong = 'x'.repeat(index.limits.maxQueryCharacters + 1);
    expect(() => nextTokenDistribution({ index, text: tooLong })).toThrow(TextTooLongError);
  });

  it('answers nothing from an empty index', async () => {
    const empty = await freshIndex();
    expect(nextTokenDistribution({ index: empty, text: 'hello' })).toMatchObject({
      suffixLength: 0,
      total: 0,
      candidates: [],
    });
  });
});
