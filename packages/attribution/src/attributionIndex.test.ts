import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { count } from './count.js';
import { documentSnippet } from './documentSnippet.js';
import {
  ContributionConflictError,
  ContributionRemovedError,
  CorruptSegmentError,
  DocumentNotFoundError,
  IndexClosedError,
  IndexNotFoundError,
  InvalidContributionIdError,
  InvalidInputError,
  TextTooLongError,
} from './errors.js';
import { findOccurrences } from './findOccurrences.js';
import { computeIndexRoot } from './indexRoot.js';
import { longestMatches } from './longestMatches.js';
import { type NaiveDocument, naiveLongestMatches, naiveOccurrences } from './testHelpers.js';
import { indexTokenIds } from './tokenizer.js';

const directories: string[] = [];
async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'attribution-index-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(directories.map((d) => rm(d, { recursive: true, force: true })));
});

const words = [' the', ' river', ' bank', ' a', 'x', ' 👍🏽', ' e\u0301', ' 日本', ' dog', '.', '\n'];
const textArb = fc.array(fc.constantFrom(...words), { maxLength: 25 }).map((w) => w.join(''));

type Doc = { contributionId: string; contributor: string; text: string };

function naiveOf(docs: Doc[], ids: number[], removed: Set<string>): NaiveDocument[] {
  return docs.map((d, k) => ({
    documentId: ids[k]!,
    contributionId: d.contributionId,
    tokens: Array.from(indexTokenIds({ text: d.text })),
    live: !removed.has(d.contributionId),
  }));
}

function expectLikeNaive(
  index: AttributionIndex,
  naive: NaiveDocument[],
  queries: (readonly number[])[],
): void {
  for (const query of queries) {
    const found = findOccurrences({ index, tokens: query, limit: 10_000 });
    const expected = naiveOccurrences(naive, query);
    expect(found.count).toBe(expected.length);
    expect(
      found.occurrences
        .map((o) => [o.documentId, o.tokenOffset])
        .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    ).toEqual(expected);
    for (const o of found.occurrences) {
      expect(o.contributionId).toBe(naive.find((d) => d.documentId === o.documentId)!.contributionId);
    }
    expect(longestMatches({ index, tokens: query }).lengths).toEqual(naiveLongestMatches(naive, query));
  }
}

describe('AttributionIndex', () => {
  it('answers like a naive scan across segments, takedowns and merges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ contribution: fc.integer({ min: 1, max: 6 }), text: textArb }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
        fc.constantFrom('none', 'tiered', 'full'),
        fc.array(textArb, { maxLength: 3 }),
        async (inputs, batchSizes, removals, merge, extraQueries) => {
          const index = await openIndex({ directory: await freshDirectory(), create: true });
          const docs: Doc[] = inputs.map((d) => ({
            contributionId: String(d.contribution),
            contributor: `0x${d.contribution}`,
            text: d.text,
          }));
          const ids: number[] = [];
          for (let at = 0, b = 0; at < docs.length; b++) {
            const batch = docs.slice(at, at + batchSizes[b % batchSizes.length]!);
            ids.push(...(await index.addDocuments({ documents: batch })).documentIds);
            at += batch.length;
          }
          const removed = new Set(removals.map(String));
          for (const id of removed) await index.removeContribution({ contributionId: id });
          if (merge !== 'none') await index.merge({ full: merge === 'full' });
          const naive = naiveOf(docs, ids, removed);
          const queries = [
            ...naive.filter((d) => d.tokens.length > 0).map((d) => d.tokens),
            ...naive.flatMap((d) => d.tokens.map((_, i) => d.tokens.slice(i, i + 1 + (i % 4)))),
            ...extraQueries.filter((t) => t.length > 0).map((t) => Array.from(indexTokenIds({ text: t }))),
          ];
          expectLikeNaive(index, naive, queries);
          expect(index.stats().documentCount).toBe(naive.filter((d) => d.live).length);
          await index.close();
        },
      ),
      { seed: 7, numRuns: 80 },
    );
  });

  it('applies a takedown at once and drops it from disk at the next merge', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true });
    const secret = ' the secret formula of the ancient alchemists is hidden here';
    await index.addDocuments({
      documents: [
        { contributionId: '1', contributor: '0xa', text: `Public notes.${secret}` },
        { contributionId: '2', contributor: '0xb', text: 'Other public notes about rivers.' },
      ],
    });
    await index.addDocuments({
      documents: [{ contributionId: '3', contributor: '0xc', text: 'More about rivers.' }],
    });
    expect(count({ index, text: secret }).count).toBe(1);
    expect(index.hasContribution('1')).toBe(true);
    expect(index.hasContribution(4n)).toBe(false);
    const rootBefore = index.indexRoot;
    const removal = await index.removeContribution({ contributionId: 1n });
    expect(removal).toMatchObject({ contributionId: '1', removedDocuments: 1, newlyRemoved: true });
    expect(count({ index, text: secret }).count).toBe(0);
    expect(count({ index, text: 'Public notes.' }).count).toBe(0);
    expect(count({ index, text: 'Other public notes' }).count).toBe(1);
    expect(index.indexRoot).not.toBe(rootBefore);
    expect(() => documentSnippet({ index, documentId: 0, tokenOffset: 0 })).toThrow(DocumentNotFoundError);
    expect((await index.removeContribution({ contributionId: '1' })).newlyRemoved).toBe(false);
    await expect(
      index.addDocuments({ documents: [{ contributionId: '1', contributor: '0xa', text: 'again' }] }),
    ).rejects.toThrow(ContributionRemovedError);

    const merged = await index.merge();
    expect(merged.merged.length).toBe(2);
    expect(index.stats().segments).toHaveLength(1);
    expect(index.stats().segments[0]!.removedDocuments).toBe(0);
    // The removed document's tokens are gone from the files on disk.
    const files = (await readdir(directory)).filter((f) => f.endsWith('.tseg'));
    expect(files).toEqual([merged.segment]);
    const file = await readFile(join(directory, files[0]!));
    expect(file.includes(Buffer.from('"contributionId":"1"'))).toBe(false);
    expect(count({ index, text: secret }).count).toBe(0);
    expect(count({ index, text: 'Other public notes' }).count).toBe(1);
    expect(index.hasContribution('1')).toBe(true); // gone from disk, still known as taken down
    await index.close();
  });

  it('keeps answering queries from the old segments while a merge runs', async () => {
    const index = await openIndex({ directory: await freshDirectory(), create: true, sliceMs: 1 });
    const paragraph = 'Rivers carry sediment from mountains to the sea, shaping deltas over millennia. ';
    for (let s = 0; s < 12; s++) {
      await index.addDocuments({
        documents: Array.from({ length: 20 }, (_, k) => ({
          contributionId: String(s * 100 + k),
          contributor: `0x${s}`,
          text: `${paragraph.repeat(5)} Document ${s}-${k} ${'word '.repeat(k * 30)}`,
        })),
      });
    }
    const expected = count({ index, text: ' sediment from mountains' }).count;
    const merge = index.merge({ full: true });
    let done = false;
    void merge.then(() => {
      done = true;
    });
    let answeredDuringMerge = 0;
    while (!done) {
      expect(count({ index, text: ' sediment from mountains' }).count).toBe(expected);
      if (index.stats().merging) answeredDuringMerge++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(answeredDuringMerge).toBeGreaterThan(0);
    expect((await merge).merged).toHaveLength(12);
    expect(index.stats().segments).toHaveLength(1);
    expect(count({ index, text: ' sediment from mountains' }).count).toBe(expected);
    await index.close();
  });

  it('applies takedowns and additions made while a merge runs', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true, sliceMs: 1 });
    const filler = 'Sediment settles in deltas over long ages of quiet water. '.repeat(40);
    for (let s = 0; s < 6; s++) {
      await index.addDocuments({
        documents: Array.from({ length: 10 }, (_, k) => ({
          contributionId: String(s * 10 + k + 1),
          contributor: `0x${s}`,
          text: `${filler} Marker ${s}-${k} unique phrase number ${s * 10 + k + 1}.`,
        })),
      });
    }
    const merge = index.merge({ full: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(index.stats().merging).toBe(true);
    await index.removeContribution({ contributionId: '7' });
    expect(count({ index, text: ' unique phrase number 7.' }).count).toBe(0);
    await index.addDocuments({
      documents: [{ contributionId: '100', contributor: '0xf', text: 'Added during the merge.' }],
    });
    const merged = await merge;
    expect(merged.merged).toHaveLength(6);
    expect(count({ index, text: ' unique phrase number 7.' }).count).toBe(0);
    expect(count({ index, text: ' unique phrase number 8.' }).count).toBe(1);
    expect(count({ index, text: 'Added during the merge.' }).count).toBe(1);
    // The merged segment was built before the takedown: it still holds document 7 until the next merge.
    expect(index.stats().segments.map((s) => s.removedDocuments)).toEqual([1, 0]);
    // The next (size-tiered) merge rewrites the segment holding removed documents.
    await index.merge();
    expect(index.stats().segments.map((s) => s.removedDocuments)).toEqual([0, 0]);
    expect(index.stats().documentCount).toBe(60);
    await index.close();
  });

  it('reopens with the same root and answers, and cleans up files of an interrupted write', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true });
    await index.addDocuments({
      documents: [{ contributionId: '5', contributor: '0xe', text: 'Deltas form at river mouths.' }],
    });
    await index.addDocuments({
      documents: [{ contributionId: '6', contributor: '0xf', text: 'Sediment settles slowly.' }],
    });
    await index.removeContribution({ contributionId: '6' });
    const root = index.indexRoot;
    await index.close();
    await expect(
      index.addDocuments({ documents: [{ contributionId: '7', contributor: '0x1', text: 'x' }] }),
    ).rejects.toThrow(IndexClosedError);
    await writeFile(join(directory, 'seg-000099.tseg'), 'left over by a crash');
    await writeFile(join(directory, 'manifest.json.tmp'), '{');
    const reopened = await openIndex({ directory });
    expect(reopened.indexRoot).toBe(root);
    const manifest = JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8'));
    expect(root).toBe(
      computeIndexRoot({
        segmentChecksums: manifest.segments.map((s: { checksum: string }) => s.checksum),
        tombstones: ['6'],
      }),
    );
    expect(count({ index: reopened, text: ' river mouths' }).count).toBe(1);
    expect(count({ index: reopened, text: 'Sediment settles' }).count).toBe(0);
    expect((await readdir(directory)).sort()).toEqual([
      'manifest.json',
      'seg-000001.tseg',
      'seg-000002.tseg',
    ]);
    await reopened.close();
  });

  it('refuses to open an index with a damaged segment file', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true });
    await index.addDocuments({
      documents: [{ contributionId: '5', contributor: '0xe', text: 'Deltas form at river mouths.' }],
    });
    await index.close();
    const path = join(directory, 'seg-000001.tseg');
    const bytes = await readFile(path);
    bytes[bytes.length - 3]! ^= 0x10;
    await writeFile(path, bytes);
    await expect(openIndex({ directory })).rejects.toThrow(CorruptSegmentError);
    await writeFile(path, bytes.subarray(0, 100));
    await expect(openIndex({ directory })).rejects.toThrow(/truncated/);
  });

  it('never treats segment files without a manifest as a new index', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true });
    await index.addDocuments({
      documents: [{ contributionId: '5', contributor: '0xe', text: 'Deltas form at river mouths.' }],
    });
    await index.close();
    await rm(join(directory, 'manifest.json'));
    await expect(openIndex({ directory, create: true })).rejects.toMatchObject({
      code: 'CORRUPT_MANIFEST',
      details: [expect.stringMatching(/segment files but no manifest/)],
    });
    expect(await readdir(directory)).toContain('seg-000001.tseg');
  });

  it('refuses a manifest that lists a segment twice, before touching any file', async () => {
    const directory = await freshDirectory();
    const index = await openIndex({ directory, create: true });
    await index.addDocuments({
      documents: [{ contributionId: '5', contributor: '0xe', text: 'Deltas form at river mouths.' }],
    });
    await index.close();
    const path = join(directory, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.segments.push(manifest.segments[0]);
    await writeFile(path, JSON.stringify(manifest));
    await writeFile(join(directory, 'seg-000099.tseg'), 'left over by a crash');
    await expect(openIndex({ directory })).rejects.toMatchObject({
      code: 'CORRUPT_MANIFEST',
      details: [expect.stringMatching(/seg-000001\.tseg" is listed twice/)],
    });
    expect(await readdir(directory)).toContain('seg-000099.tseg');
  });

  it('gives the same root for the same documents added the same way', async () => {
    const roots: string[] = [];
    for (let run = 0; run < 2; run++) {
      const index = await openIndex({ directory: await freshDirectory(), create: true });
      await index.addDocuments({
        documents: [{ contributionId: '1', contributor: '0xa', text: 'Same text.' }],
      });
      await index.removeContribution({ contributionId: '9' });
      roots.push(index.indexRoot);
      await index.close();
    }
    expect(roots[0]).toBe(roots[1]);
  });

  it('rejects bad input with clear errors and changes nothing', async () => {
    const index = await openIndex({
      directory: await freshDirectory(),
      create: true,
      limits: { maxDocumentCharacters: 100 },
    });
    const root = index.indexRoot;
    const add = (documents: unknown) => index.addDocuments({ documents } as never);
    await expect(add([])).rejects.toThrow(InvalidInputError);
    await expect(add([{ contributionId: '01', contributor: '0xa', text: 'x' }])).rejects.toThrow(
      InvalidContributionIdError,
    );
    await expect(add([{ contributionId: -1n, contributor: '0xa', text: 'x' }])).rejects.toThrow(
      InvalidContributionIdError,
    );
    await expect(add([{ contributionId: 2n ** 256n, contributor: '0xa', text: 'x' }])).rejects.toThrow(
      InvalidContributionIdError,
    );
    await expect(add([{ contributionId: '1', contributor: '', text: 'x' }])).rejects.toThrow(
      InvalidInputError,
    );
    await expect(add([{ contributionId: '1', contributor: '0xa', text: 'x'.repeat(101) }])).rejects.toThrow(
      TextTooLongError,
    );
    await expect(
      add([
        { contributionId: '1', contributor: '0xa', text: 'x' },
        { contributionId: '1', contributor: '0xb', text: 'y' },
      ]),
    ).rejects.toThrow(ContributionConflictError);
    expect(index.indexRoot).toBe(root);
    await index.addDocuments({ documents: [{ contributionId: '1', contributor: '0xa', text: 'first' }] });
    await expect(add([{ contributionId: '1', contributor: '0xb', text: 'second' }])).rejects.toThrow(
      ContributionConflictError,
    );
    await expect(index.removeContribution({ contributionId: 'one' })).rejects.toThrow(
      InvalidContributionIdError,
    );
    await index.close();
    await expect(openIndex({ directory: await freshDirectory() })).rejects.toThrow(IndexNotFoundError);
  });
});
