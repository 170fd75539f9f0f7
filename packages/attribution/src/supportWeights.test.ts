import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextGenerator } from '../bench/syntheticText.js';
import { partsPerMillion } from './attribute.js';
import { type AttributionIndex, openIndex } from './attributionIndex.js';
import { InvalidInputError } from './errors.js';
import { generate } from './generate.js';
import type { TokenSupport } from './nextTokens.js';
import { supportWeights } from './supportWeights.js';

const support = (entries: [string, number][]): TokenSupport[] =>
  entries.map(([contributionId, occurrences]) => ({
    contributionId,
    contributor: `0x${contributionId}`,
    datanetId: '1',
    occurrences,
  }));

describe('supportWeights', () => {
  let directory: string;
  let index: AttributionIndex;
  const generator = createTextGenerator({ seed: 23, vocabulary: 300 });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'support-weights-'));
    index = await openIndex({ directory, create: true });
    for (let s = 0; s < 3; s++) {
      await index.addDocuments({
        documents: Array.from({ length: 20 }, (_, k) => ({
          contributionId: String(100 + s * 20 + k),
          contributor: `0x${(k % 7).toString(16).padStart(40, '0')}`,
          datanetId: String(s),
          text: generator.text(80),
        })),
      });
    }
  });

  afterAll(async () => {
    await index.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('counts every supporting occurrence of every step, in ppm summing to 1,000,000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0, 0.7, 1), (seed, temperature) => {
        const { steps } = generate({ index, prompt: ' the', maxTokens: 25, temperature, seed }).result();
        const result = supportWeights({ steps });
        const expected = new Map<string, number>();
        for (const step of steps)
          for (const s of step.support)
            expected.set(s.contributionId, (expected.get(s.contributionId) ?? 0) + s.occurrences);
        expect(new Map(result.contributions.map((c) => [c.contributionId, c.occurrences]))).toEqual(expected);
        const total = [...expected.values()].reduce((a, b) => a + b, 0);
        expect(result.totalOccurrences).toBe(total);
        expect(result.contributions.reduce((sum, c) => sum + c.ppm, 0)).toBe(partsPerMillion);
        expect(result.contributors.reduce((sum, c) => sum + c.ppm, 0)).toBe(partsPerMillion);
        for (const c of result.contributions) {
          // Largest remainder: within one part of the exact share.
          expect(Math.abs(c.ppm - (c.occurrences * partsPerMillion) / total)).toBeLessThan(1);
          for (const k of c.steps)
            expect(steps[k]!.support.some((s) => s.contributionId === c.contributionId)).toBe(true);
        }
        for (let k = 1; k < result.contributions.length; k++) {
          expect(result.contributions[k - 1]!.ppm).toBeGreaterThanOrEqual(result.contributions[k]!.ppm);
        }
      }),
      { seed: 13, numRuns: 25 },
    );
  });

  it('is byte-identical for the same index, prompt, options and seed', () => {
    const run = () =>
      JSON.stringify(
        supportWeights({
          steps: generate({ index, prompt: ' the', maxTokens: 40, temperature: 0.9, seed: 77 }).result()
            .steps,
        }),
      );
    expect(run()).toBe(run());
  });

  it('gives ties to the lower contribution id (numeric order)', () => {
    const result = supportWeights({
      steps: [
        {
          support: support([
            ['10', 1],
            ['3', 1],
            ['2', 1],
          ]),
        },
      ],
    });
    expect(result.contributions.map((c) => [c.contributionId, c.ppm])).toEqual([
      ['2', 333_334],
      ['3', 333_333],
      ['10', 333_333],
    ]);
  });

  it('weights per occurrence or per token', () => {
    const steps = [
      {
        support: support([
          ['1', 98],
          ['2', 2],
        ]),
      },
      { support: support([['3', 1]]) },
    ];
    expect(supportWeights({ steps }).contributions.map((c) => [c.contributionId, c.ppm])).toEqual([
      ['1', 970_297],
      ['2', 19_802],
      ['3', 9_901],
    ]);
    const perToken = supportWeights({ steps, per: 'tokens' });
    expect(perToken.per).toBe('tokens');
    expect(perToken.contributions.map((c) => [c.contributionId, c.ppm])).toEqual([
      ['3', 500_000],
      ['1', 490_000],
      ['2', 10_000],
    ]);
  });

  it('splits each token among its supporters with leftovers to the lowest id, listing the steps each supported once', () => {
    // Unsorted support with ties: each token's unit goes 333,334 to the lowest id ('3' < '20').
    const tie = support([
      ['20', 1],
      ['3', 1],
      ['100', 1],
    ]);
    const result = supportWeights({
      steps: [{ support: tie }, { support: tie }, { support: support([['20', 5]]) }],
      per: 'tokens',
    });
    expect(result.contributions.map((c) => [c.contributionId, c.ppm, c.steps, c.occurrences])).toEqual([
      ['20', 555_555, [0, 1, 2], 7],
      ['3', 222_223, [0, 1], 2],
      ['100', 222_222, [0, 1], 2],
    ]);
    // The same contribution twice in one step is listed once for that step.
    const twice = supportWeights({ steps: [{ support: [...support([['5', 1]]), ...support([['5', 2]])] }] });
    expect(twice.contributions.map((c) => [c.contributionId, c.steps, c.occurrences])).toEqual([
      ['5', [0], 3],
    ]);
  });

  it('gives no weights when nothing supported the output', () => {
    expect(supportWeights({ steps: [] })).toEqual({
      totalOccurrences: 0,
      per: 'occurrences',
      contributions: [],
      contributors: [],
    });
    expect(
      supportWeights({ steps: [{ support: [] }, { support: support([['1', 0]]) }] }).contributions,
    ).toEqual([]);
  });

  it('refuses malformed occurrence counts', () => {
    expect(() => supportWeights({ steps: [{ support: support([['1', -1]]) }] })).toThrow(InvalidInputError);
    expect(() => supportWeights({ steps: [{ support: support([['1', 0.5]]) }] })).toThrow(InvalidInputError);
  });
});
