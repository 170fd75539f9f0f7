import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePlantedOutputs, scoreRecovery } from '../bench/plantedSpans.js';
import { createTextGenerator } from '../bench/syntheticText.js';
import { attribute, largestRemainder, partsPerMillion } from './attribute.js';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { compareContributionIds } from './contributionId.js';
import { EmptyTextError } from './errors.js';

let directory: string;
let index: AttributionIndex;
const documents: { contributionId: string; contributor: string; text: string }[] = [];
const generator = createTextGenerator({ seed: 17 });

/** A fresh index in a temporary directory (drop it with {@link dropIndex}). */
const scratchIndex = async () =>
  openIndex({ directory: await mkdtemp(join(tmpdir(), 'attribute-scratch-')), create: true });
async function dropIndex(index: AttributionIndex) {
  await index.close();
  await rm(index.directory, { recursive: true, force: true });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'attribute-'));
  index = await openIndex({ directory, create: true });
  // 300 documents from 120 contributors, in 6 segments.
  for (let k = 0; k < 300; k++) {
    documents.push({
      contributionId: String(1000 + k),
      contributor: `0x${(k % 120).toString(16).padStart(40, '0')}`,
      text: generator.text(150 + (k % 5) * 40),
    });
  }
  for (let s = 0; s < 6; s++) await index.addDocuments({ documents: documents.slice(s * 50, s * 50 + 50) });
});

afterAll(async () => {
  await index.close();
  await rm(directory, { recursive: true, force: true });
});

describe('attribute', () => {
  it('recovers the sources of planted passages (precision and recall)', () => {
    const outputs = makePlantedOutputs({ documents, novel: (n) => generator.text(n), outputs: 60, seed: 3 });
    const score = scoreRecovery(
      outputs.map((o) => ({
        sources: o.sources,
        weights: new Map(
          attribute({ index, text: o.text }).contributions.map((c) => [c.contributionId, c.ppm]),
        ),
      })),
    );
    console.log(`planted-span recovery (synthetic text, 300 documents): ${JSON.stringify(score)}`);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.weightOnSources).toBeGreaterThanOrEqual(0.9);
  });

  it('gives weights that sum to exactly 1,000,000 ppm, each with its spans', () => {
    const outputs = makePlantedOutputs({ documents, novel: (n) => generator.text(n), outputs: 20, seed: 8 });
    for (const { text } of outputs) {
      const result = attribute({ index, text, minLength: 4 });
      expect(result.contributions.reduce((sum, c) => sum + c.ppm, 0)).toBe(partsPerMillion);
      expect(result.contributors.reduce((sum, c) => sum + c.ppm, 0)).toBe(partsPerMillion);
      // Largest share first, ties by numeric id (contributions) or by address (contributors).
      expect(result.contributions).toEqual(
        [...result.contributions].sort(
          (a, b) => b.ppm - a.ppm || compareContributionIds(a.contributionId, b.contributionId),
        ),
      );
      expect(result.contributors).toEqual(
        [...result.contributors].sort((a, b) => b.ppm - a.ppm || a.contributor.localeCompare(b.contributor)),
      );
      for (const c of result.contributions) {
        expect(c.spans.length).toBeGreaterThan(0);
        for (const k of c.spans) expect(result.spans[k]!.contributions).toContain(c.contributionId);
      }
    }
  });

  it('is byte-identical for the same index, text and options, across reopening and merging', async () => {
    const [output] = makePlantedOutputs({
      documents,
      novel: (n) => generator.text(n),
      outputs: 1,
      seed: 21,
      passages: [3, 3],
    });
    const first = JSON.stringify(attribute({ index, text: output!.text }));
    expect(JSON.stringify(attribute({ index, text: output!.text }))).toBe(first);
    const reopened = await openIndex({ directory });
    expect(JSON.stringify(attribute({ index: reopened, text: output!.text }))).toBe(first);
    await reopened.close();
    // A merge changes the root (other segment files) but not the attribution.
    const other = await openIndex({
      directory: await mkdtemp(join(tmpdir(), 'attribute-merged-')),
      create: true,
    });
    for (let s = 0; s < 6; s++) await other.addDocuments({ documents: documents.slice(s * 50, s * 50 + 50) });
    await other.merge({ full: true });
    const merged = attribute({ index: other, text: output!.text });
    expect(merged.indexRoot).not.toBe(index.indexRoot);
    expect(JSON.stringify({ ...merged, indexRoot: index.indexRoot })).toBe(first);
    await rm(other.directory, { recursive: true, force: true });
    await other.close();
  });

  it('shares a span equally among the contributions that contain it', async () => {
    const shared = await scratchIndex();
    const passage = generator.text(30);
    await shared.addDocuments({
      documents: [
        { contributionId: '2', contributor: '0xb', text: `${generator.text(20)} ${passage}` },
        { contributionId: '1', contributor: '0xa', text: `${passage} ${generator.text(20)}` },
        { contributionId: '3', contributor: '0xc', text: generator.text(50) },
      ],
    });
    const result = attribute({
      index: shared,
      text: `Novel words first. ${passage.split(' ').slice(2, 25).join(' ')}`,
    });
    expect(result.contributions.map((c) => [c.contributionId, c.ppm])).toEqual([
      ['1', 500_000],
      ['2', 500_000],
    ]);
    await dropIndex(shared);
  });

  it('orders contributions by share then numeric id, contributors by share then address, owners found beyond listed documents', async () => {
    const shared = await scratchIndex();
    const passage = generator.text(30);
    // Ids whose text order differs from their numeric order ('20' < '3' as text), and owners
    // whose address order differs from their ids' order.
    await shared.addDocuments({
      documents: [
        {
          contributionId: '20',
          contributor: '0xaa',
          datanetId: '7',
          text: `${generator.text(20)} ${passage}`,
        },
        {
          contributionId: '3',
          contributor: '0xbb',
          datanetId: '8',
          text: `${passage} ${generator.text(20)}`,
        },
        { contributionId: '1', contributor: '0xcc', datanetId: '7', text: `${generator.text(9)} ${passage}` },
        { contributionId: '4', contributor: '0xdd', datanetId: '8', text: generator.text(50) },
      ],
    });
    const text = `Novel words first. ${passage.split(' ').slice(2, 25).join(' ')}`;
    const expected = {
      contributions: [
        { contributionId: '1', contributor: '0xcc', datanetId: '7', ppm: 333_334 },
        { contributionId: '3', contributor: '0xbb', datanetId: '8', ppm: 333_333 },
        { contributionId: '20', contributor: '0xaa', datanetId: '7', ppm: 333_333 },
      ],
      contributors: [
        { contributor: '0xcc', ppm: 333_334 },
        { contributor: '0xaa', ppm: 333_333 },
        { contributor: '0xbb', ppm: 333_333 },
      ],
    };
    const shape = (r: ReturnType<typeof attribute>) => ({
      contributions: r.contributions.map(({ contributionId, contributor, datanetId, ppm }) => ({
        contributionId,
        contributor,
        datanetId,
        ppm,
      })),
      contributors: r.contributors,
    });
    const full = attribute({ index: shared, text });
    expect(shape(full)).toEqual(expected);
    expect(full.totalInformation).toBe(full.contributions.reduce((sum, c) => sum + c.information, 0));
    expect(full.totalInformation).toBeGreaterThan(0);
    // The passage's span: documents by document id (insertion order: '20', '3', '1'), their
    // contributions in numeric order, contributors sorted, occurrences per document.
    const span = full.spans.find((sp) => sp.weight > 0)!;
    expect(span.documents.map((d) => [d.documentId, d.contributionId, d.datanetId, d.occurrences])).toEqual([
      [0, '20', '7', 1],
      [1, '3', '8', 1],
      [2, '1', '7', 1],
    ]);
    expect([span.documentCount, span.contributions, span.contributors]).toEqual([
      3,
      ['1', '3', '20'],
      ['0xaa', '0xbb', '0xcc'],
    ]);
    const first = attribute({ index: shared, text, maxDocumentsPerSpan: 1 }).spans.find(
      (sp) => sp.weight > 0,
    )!;
    expect([first.documents.map((d) => d.contributionId), first.documentCount, first.contributions]).toEqual([
      ['20'],
      3,
      ['1', '3', '20'],
    ]);
    // Spans list no documents at all: the owners come from the index's segments instead.
    const unlisted = attribute({ index: shared, text, maxDocumentsPerSpan: 0 });
    expect(unlisted.spans.every((span) => span.documents.length === 0)).toBe(true);
    expect(shape(unlisted)).toEqual(expected);
    await dropIndex(shared);
  });

  it('pays the document whose passage an output copies, not the boilerplate at its seams', async () => {
    const own = await scratchIndex();
    const boilerplate =
      'This program is free software; you can redistribute it and/or modify it under the terms';
    await own.addDocuments({
      documents: [
        ...Array.from({ length: 30 }, (_, k) => ({
          contributionId: String(k + 1),
          contributor: `0x${k + 1}`,
          text: `${generator.text(40)}\n   ${boilerplate}\n   of the licence.\n ${generator.text(40)}`,
        })),
        {
          contributionId: '99',
          contributor: '0x99',
          text: `Notes by Zebulon Quark:\n${boilerplate.replace('terms', 'conditions')}\n  written by Zebulon Quark in 1999 for the\n  heron project, of the licence.`,
        },
      ],
    });
    const output = `My own words come first. ${boilerplate.replace('terms', 'conditions')} written by Zebulon Quark in 1999 for the heron project, of the licence. Then novel words again.`;
    expect(attribute({ index: own, text: output }).contributors).toEqual([
      { contributor: '0x99', ppm: partsPerMillion },
    ]);
    // Without the chance filter (which finds the 30 copies predictable) the fragment the 30
    // documents share is traced, and defers to the longer, more specific span.
    const unfiltered = attribute({ index: own, text: output, maxChanceMatches: Number.POSITIVE_INFINITY });
    expect(unfiltered.contributors).toEqual([{ contributor: '0x99', ppm: partsPerMillion }]);
    const shared = unfiltered.spans.filter((s) => s.contributions.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const span of shared) expect(span.weight).toBe(0);
    await dropIndex(own);
  });

  it('takes a phrase many documents repeat for common text, and the same phrase in one document for a copy', async () => {
    const url = 'https://www.example.org/doc/packaging-manuals/copyright-format/1.0/';
    const output = `${generator.text(30)} ${url} ${generator.text(30)}`;
    const build = async (holders: number) => {
      const own = await scratchIndex();
      await own.addDocuments({
        documents: Array.from({ length: 40 }, (_, k) => ({
          contributionId: String(k + 1),
          contributor: `0x${k + 1}`,
          text: `Format: ${k < holders ? url : 'unknown'}\n${generator.text(60)}`,
        })),
      });
      const result = attribute({ index: own, text: output });
      await dropIndex(own);
      return result;
    };
    // Held by 30 of 40 documents, the URL's tokens follow each other predictably: nobody is paid.
    expect((await build(30)).contributions).toEqual([]);
    // Held by one document, it is that document's text.
    expect((await build(1)).contributors.map((c) => c.contributor)).toEqual(['0x1']);
  });

  it('is empty when nothing informative matches, and rejects empty text', () => {
    const result = attribute({
      index,
      text: 'Entirely novel sentence about quantum chromodynamics and glue.',
    });
    expect(result.contributions).toEqual([]);
    expect(result.contributors).toEqual([]);
    expect(result.totalInformation).toBe(0);
    expect(() => attribute({ index, text: '   ' })).toThrow(EmptyTextError);
  });
});

describe('largestRemainder', () => {
  it('splits exactly, giving leftovers to the largest remainders and ties to the earliest', () => {
    expect(largestRemainder([1, 1, 1], 1_000_000)).toEqual([333_334, 333_333, 333_333]);
    expect(largestRemainder([2, 1], 1_000_000)).toEqual([666_667, 333_333]);
    expect(largestRemainder([0, 0], 1_000_000)).toEqual([0, 0]);
    expect(largestRemainder([5], 1_000_000)).toEqual([1_000_000]);
  });

  it('always sums to the whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 50 }),
        (weights) => {
          fc.pre(weights.some((w) => w > 0));
          const shares = largestRemainder(weights, 1_000_000);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(1_000_000);
          shares.forEach((s, k) => {
            const exact = (weights[k]! * 1_000_000) / weights.reduce((a, b) => a + b, 0);
            expect(Math.abs(s - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('gives exactly the shares of bigint arithmetic, with small weights and past the safe-integer edge', () => {
    // The reference: floor shares, then one more to the largest remainders, ties to the earliest.
    const reference = (weights: number[], whole: number) => {
      const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
      if (total === 0n) return weights.map(() => 0);
      const shares = weights.map((w) => (BigInt(w) * BigInt(whole)) / total);
      const rest = weights.map((w, k) => BigInt(w) * BigInt(whole) - shares[k]! * total);
      const left = BigInt(whole) - shares.reduce((a, b) => a + b, 0n);
      const order = weights
        .map((_, k) => k)
        .sort((a, b) => (rest[b]! > rest[a]! ? 1 : rest[b]! < rest[a]! ? -1 : a - b));
      for (const k of order.slice(0, Number(left))) shares[k]! += 1n;
      return shares.map(Number);
    };
    const weightsNear = (max: number) =>
      fc.array(fc.integer({ min: 0, max }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.oneof(
          weightsNear(10),
          weightsNear(10_000),
          weightsNear(2 ** 26),
          weightsNear(2 ** 33),
          weightsNear(2 ** 45),
        ),
        fc.constantFrom(1, 7, 1_000_000, 999_983),
        (weights, whole) => {
          expect(largestRemainder(weights, whole)).toEqual(reference(weights, whole));
        },
      ),
      { seed: 11, numRuns: 2_000 },
    );
  });
});
