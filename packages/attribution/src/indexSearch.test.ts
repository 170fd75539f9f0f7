/**
 * Cached pair counts (`livePairCount`) equal the uncached search (`liveCount` of two tokens) at
 * every position, across segments and takedowns: a warmed cache never answers for the documents
 * a takedown removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { liveCount, livePairCount, prepareQuery } from './indexSearch.js';
import { indexTokenIds } from './tokenizer.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

const words = [' the', ' river', ' bank', ' a', ' dog', '.', ' 日本', '\n'];
const textArb = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 30 }).map((w) => w.join(''));

function expectPairsLikeSearch(index: AttributionIndex, queries: string[]): void {
  const snapshot = index.snapshot;
  for (const text of queries) {
    const query = prepareQuery(snapshot, indexTokenIds({ text }));
    for (let i = 0; i + 1 < query.ids.length; i++) {
      expect(livePairCount(snapshot, query, i)).toBe(liveCount(snapshot, query, i, 2));
    }
  }
}

describe('livePairCount', () => {
  it('equals liveCount of the pair, before and after takedowns, over several segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(textArb, { minLength: 2, maxLength: 8 }),
        fc.array(textArb, { minLength: 1, maxLength: 4 }),
        async (documents, queries) => {
          const directory = await mkdtemp(join(tmpdir(), 'pair-counts-'));
          directories.push(directory);
          const index = await openIndex({ directory, create: true });
          try {
            // Two batches: two segments.
            const half = Math.ceil(documents.length / 2);
            for (const [from, to] of [
              [0, half],
              [half, documents.length],
            ] as const) {
              if (from === to) continue;
              await index.addDocuments({
                documents: documents.slice(from, to).map((text, k) => ({
                  contributionId: String(from + k + 1),
                  contributor: `0x${'1'.repeat(40)}`,
                  text,
                })),
              });
            }
            const all = [...queries, ...documents];
            expectPairsLikeSearch(index, all); // warms the cache
            await index.removeContribution({ contributionId: '1' });
            expectPairsLikeSearch(index, all);
            await index.removeContribution({ contributionId: String(documents.length) });
            expectPairsLikeSearch(index, all);
          } finally {
            await index.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
