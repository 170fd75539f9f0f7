/**
 * Two-token counts are cached per segment and per removed-documents index; they must equal a naive
 * count over the live documents at every position, across segments and takedowns: a cache warmed
 * before a takedown never answers for the documents it removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { liveCount, prepareQuery } from './indexSearch.js';
import { type NaiveDocument, naiveOccurrences } from './testHelpers.js';
import { indexTokenIds } from './tokenizer.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

const words = [' the', ' river', ' bank', ' a', ' dog', '.', ' 日本', '\n'];
const textArb = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 30 }).map((w) => w.join(''));

function expectPairsLikeNaive(index: AttributionIndex, naive: NaiveDocument[], queries: string[]): void {
  const snapshot = index.snapshot;
  for (const text of queries) {
    const ids = indexTokenIds({ text });
    const query = prepareQuery(snapshot, ids);
    for (let i = 0; i + 1 < ids.length; i++) {
      expect(liveCount(snapshot, query, i, 2)).toBe(naiveOccurrences(naive, [ids[i]!, ids[i + 1]!]).length);
    }
  }
}

describe('pair counts (cached)', () => {
  it('equal a naive count of live documents, before and after takedowns, over two segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(textArb, { minLength: 2, maxLength: 8 }),
        fc.array(textArb, { minLength: 1, maxLength: 4 }),
        async (documents, queries) => {
          const directory = await mkdtemp(join(tmpdir(), 'pair-counts-'));
          directories.push(directory);
          const index = await openIndex({ directory, create: true });
          try {
            const documentIds: number[] = [];
            const half = Math.ceil(documents.length / 2);
            for (const [from, to] of [
              [0, half],
              [half, documents.length],
            ] as const) {
              if (from === to) continue;
              const added = await index.addDocuments({
                documents: documents.slice(from, to).map((text, k) => ({
                  contributionId: String(from + k + 1),
                  contributor: `0x${'1'.repeat(40)}`,
                  text,
                })),
              });
              documentIds.push(...added.documentIds);
            }
            const removed = new Set<string>();
            const naive = (): NaiveDocument[] =>
              documents.map((text, k) => ({
                documentId: documentIds[k]!,
                contributionId: String(k + 1),
                tokens: Array.from(indexTokenIds({ text })),
                live: !removed.has(String(k + 1)),
              }));
            const all = [...queries, ...documents];
            expectPairsLikeNaive(index, naive(), all); // warms the cache
            for (const id of ['1', String(documents.length)]) {
              await index.removeContribution({ contributionId: id });
              removed.add(id);
              expectPairsLikeNaive(index, naive(), all);
            }
          } finally {
            await index.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
