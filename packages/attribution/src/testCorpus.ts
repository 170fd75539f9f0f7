/**
 * Test corpora for the ∞-gram tests: random documents over a few words (so that n-grams repeat),
 * added to an index in batches, with the brute-force view of what was added.
 * (Not exported from the package.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { type NaiveDocument, seededRandom } from './testHelpers.js';
import { indexTokenIds } from './tokenizer.js';

/** Few words, multi-byte ones included, so that distributions have several candidates. */
export const words = [
  ' the',
  ' river',
  ' fox',
  ' runs',
  ' over',
  ' a',
  ' bridge',
  '.',
  ' 日本',
  ' 🐢',
  ' café',
  '\n',
];

export type Doc = { contributionId: string; contributor: string; datanetId: string; text: string };

/** `count` documents of 1–30 random words from 12 contributions, from a seed. */
export function randomDocuments(seed: number, count: number): Doc[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * 30);
    const text = Array.from({ length }, () => words[Math.floor(random() * words.length)]!).join('');
    const c = 1 + Math.floor(random() * 12);
    return { contributionId: String(c), contributor: `0x${c % 5}`, datanetId: String(c % 2), text };
  });
}

/** Adds documents in `batches` batches (one segment each) and returns the brute-force view. */
export async function addInBatches(
  index: AttributionIndex,
  docs: readonly Doc[],
  batches: number,
): Promise<NaiveDocument[]> {
  const naive: NaiveDocument[] = [];
  const size = Math.ceil(docs.length / batches);
  for (let b = 0; b * size < docs.length; b++) {
    const batch = docs.slice(b * size, (b + 1) * size);
    const { documentIds } = await index.addDocuments({ documents: batch });
    batch.forEach((d, k) => {
      naive.push({
        documentId: documentIds[k]!,
        contributionId: d.contributionId,
        tokens: Array.from(indexTokenIds({ text: d.text })),
        live: true,
      });
    });
  }
  return naive;
}

/** Takes contributions down in the index and marks their documents dead in the brute-force view. */
export async function removeContributions(
  index: AttributionIndex,
  naive: NaiveDocument[],
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    await index.removeContribution({ contributionId: id });
    for (const d of naive) if (d.contributionId === id) d.live = false;
  }
}

/** Empty indexes in temporary directories; `cleanUp` closes and deletes all of them. */
export function temporaryIndexes(prefix: string): {
  fresh(): Promise<AttributionIndex>;
  cleanUp(): Promise<void>;
} {
  const opened: AttributionIndex[] = [];
  return {
    async fresh() {
      const index = await openIndex({ directory: await mkdtemp(join(tmpdir(), prefix)), create: true });
      opened.push(index);
      return index;
    },
    async cleanUp() {
      for (const index of opened) await index.close();
      await Promise.all(opened.map((index) => rm(index.directory, { recursive: true, force: true })));
    },
  };
}
