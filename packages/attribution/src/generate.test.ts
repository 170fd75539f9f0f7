import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionIndex } from './attributionIndex.js';
import { InvalidInputError, TextTooLongError } from './errors.js';
import { type GenerationStep, generate } from './generate.js';
import { nextTokenDistribution } from './nextTokens.js';
import { normalizedText } from './normalizeText.js';
import { supportWeights } from './supportWeights.js';
import {
  addInBatches,
  type Doc,
  randomDocuments,
  removeContributions,
  temporaryIndexes,
  words,
} from './testCorpus.js';
import { type NaiveDocument, naiveNextTokens } from './testHelpers.js';
import { decodeTokens, indexTokenIds } from './tokenizer.js';

const indexes = temporaryIndexes('generate-');
const freshIndex = indexes.fresh;
afterAll(indexes.cleanUp);

/** Unicode documents whose characters span several tokens, and one unique document to take down. */
const unicodeDocs: Doc[] = [
  {
    contributionId: '21',
    contributor: '0xu1',
    datanetId: '1',
    text: 'Flamingos 🦩 stand on one leg 🧑‍🚀 龘龘 𝔘𝔫𝔦 end',
  },
  {
    contributionId: '22',
    contributor: '0xu2',
    datanetId: '1',
    text: 'Le café 👍🏽 est naïve: 日本語のテキスト done',
  },
];
const secretDoc: Doc = {
  contributionId: '30',
  contributor: '0xsecret',
  datanetId: '1',
  text: 'Zebras graze quietly beside the amber lagoon while herons debate philosophy',
};

function supportRecord(step: Pick<GenerationStep, 'support'>): Record<string, number> {
  return Object.fromEntries(step.support.map((s) => [s.contributionId, s.occurrences]));
}

/** Replays generation steps against a brute-force scan: each token is a candidate of its context. */
function expectValidSteps(
  naive: NaiveDocument[],
  prompt: number[],
  steps: readonly GenerationStep[],
  options: { greedy?: boolean; topK?: number; maxSuffixLength?: number } = {},
): void {
  const context = [...prompt];
  for (const step of steps) {
    const expected = naiveNextTokens(naive, context, options.maxSuffixLength);
    const rank = expected.candidates.findIndex((c) => c.token === step.token);
    expect(rank).toBeGreaterThanOrEqual(0);
    if (options.greedy) expect(rank).toBe(0);
    if (options.topK) expect(rank).toBeLessThan(options.topK);
    const candidate = expected.candidates[rank]!;
    expect(step.suffixLength).toBe(expected.suffixLength);
    expect(step.total).toBe(expected.total);
    expect(step.count).toBe(candidate.count);
    expect(supportRecord(step)).toEqual(candidate.support);
    context.push(step.token);
  }
}

describe('generate', () => {
  let index: AttributionIndex;
  let naive: NaiveDocument[];
  const docs = [...randomDocuments(9, 100), ...unicodeDocs, secretDoc];

  beforeAll(async () => {
    index = await freshIndex();
    naive = await addInBatches(index, docs, 3);
    await removeContributions(index, naive, ['4']);
  });

  const promptArb = () =>
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...naive.map((d) => d.tokens.slice(0, 5))),
          fc.array(fc.constantFrom(...words)).map((w) => Array.from(indexTokenIds({ text: w.join('') }))),
        ),
        { maxLength: 3 },
      )
      .map((parts) => parts.flat());

  it('at temperature 0 follows the argmax of a brute-force scan, with exact support', () => {
    fc.assert(
      fc.property(
        promptArb(),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        (prompt, maxSuffixLength) => {
          const { steps, finishReason } = generate({
            index,
            promptTokens: prompt,
            maxTokens: 12,
            temperature: 0,
            maxSuffixLength,
          }).result();
          expect(steps).toHaveLength(12);
          expect(finishReason).toBe('length');
          expectValidSteps(naive, prompt, steps, { greedy: true, maxSuffixLength });
          expect(steps[0]!.token).toBe(
            nextTokenDistribution({ index, tokens: prompt, maxSuffixLength }).candidates[0]!.token,
          );
        },
      ),
      { seed: 3, numRuns: 40 },
    );
  });

  it('samples only candidates of the brute-force distribution (temperature, top-k)', () => {
    fc.assert(
      fc.property(
        promptArb(),
        fc.integer({ min: 0, max: 2 ** 32 }),
        fc.constantFrom(0.5, 1, 1.7),
        fc.integer({ min: 0, max: 3 }),
        (prompt, seed, temperature, topK) => {
          const { steps } = generate({
            index,
            promptTokens: prompt,
            maxTokens: 10,
            temperature,
            topK,
            seed,
          }).result();
          expectValidSteps(naive, prompt, steps, { topK });
        },
      ),
      { seed: 5, numRuns: 40 },
    );
  });

  it('draws tokens in proportion to their counts at temperature 1', () => {
    const prompt = indexTokenIds({ text: ' the' });
    const distribution = nextTokenDistribution({ index, tokens: prompt });
    expect(distribution.candidates.length).toBeGreaterThan(3);
    const draws = new Map<number, number>();
    const n = 3000;
    for (let seed = 0; seed < n; seed++) {
      const [step] = generate({ index, promptTokens: prompt, maxTokens: 1, seed }).result().steps;
      draws.set(step!.token, (draws.get(step!.token) ?? 0) + 1);
    }
    for (const c of distribution.candidates) {
      const expected = (n * c.count) / distribution.total;
      expect(Math.abs((draws.get(c.token) ?? 0) - expected)).toBeLessThan(4 * Math.sqrt(expected) + 3);
    }
  });

  it('gives the same steps when generations interleave (a server stepping several), on two indexes', async () => {
    // Searches on a thread share their scratch space (nextTokens.ts): interleaving must not leak.
    const other = await freshIndex();
    await addInBatches(other, unicodeDocs, 1);
    const runs = [
      { index, prompt: ' the river', maxTokens: 40, temperature: 1.3, seed: 1 },
      { index, prompt: ' a fox runs', maxTokens: 25, topK: 2, seed: 2 },
      { index: other, prompt: 'Le café', maxTokens: 30, seed: 3 },
      { index, prompt: '', maxTokens: 35, temperature: 0.7, seed: 4 },
    ];
    const alone = runs.map((r) => JSON.stringify(generate(r).result().steps));
    const generations = runs.map((r) => generate(r));
    for (let active = generations.length; active > 0; ) {
      active = 0;
      for (const g of generations) if (!g.next().done) active++;
    }
    expect(generations.map((g) => JSON.stringify(g.steps))).toEqual(alone);
    expect(alone.every((steps) => JSON.parse(steps).length > 5)).toBe(true);
    await other.close();
  });

  it('is reproducible from the seed, byte for byte', () => {
    const run = (seed: number) =>
      JSON.stringify(
        generate({ index, prompt: ' the river', maxTokens: 30, temperature: 1.3, seed }).result(),
      );
    expect(run(11)).toBe(run(11));
    const others = new Set([1, 2, 3, 4, 5].map(run));
    expect(others.size).toBeGreaterThan(1);
    const text = generate({ index, prompt: ' the river', maxTokens: 30, seed: 11n }).result();
    expect(JSON.stringify(text)).toBe(
      JSON.stringify(generate({ index, prompt: ' the river', maxTokens: 30, seed: 11 }).result()),
    );
  });

  it('stops at maxTokens and streams the same text it returns', () => {
    const generation = generate({ index, prompt: ' a fox', maxTokens: 7, seed: 2 });
    expect(generation.finishReason).toBeNull();
    const pieces: string[] = [];
    for (const step of generation) pieces.push(step.text);
    expect(pieces).toHaveLength(7);
    expect(generation.finishReason).toBe('length');
    expect(pieces.join('')).toBe(generation.text);
    const result = generation.result();
    expect(result.text).toBe(generation.text);
    expect(result.generatedTokens).toBe(7);
    expect(result.promptTokens).toBe(indexTokenIds({ text: ' a fox' }).length);
    expect(result.text).toBe(decodeTokens({ ids: result.tokens }).text);
    const none = generate({ index, prompt: ' a fox', maxTokens: 0 }).result();
    expect(none).toMatchObject({ text: '', steps: [], finishReason: 'length', generatedTokens: 0 });
  });

  it('stops before a stop sequence and never emits it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 60 }),
        (seed, stopLength, stopAt) => {
          const options = { index, prompt: ' the', maxTokens: 40, seed };
          const free = generate(options).result();
          const at = Math.min(stopAt, Math.max(0, free.text.length - stopLength));
          const stopText = free.text.slice(at, at + stopLength);
          fc.pre(stopText.length > 0 && !/[\uD800-\uDFFF]/.test(stopText));
          const cut = free.text.indexOf(stopText);
          const other = 'never-in-this-corpus';
          const generation = generate({ ...options, stop: [other, stopText] });
          const pieces = [...generation].map((s) => s.text);
          const result = generation.result();
          expect(result.finishReason).toBe('stop');
          expect(result.text).toBe(free.text.slice(0, cut));
          expect(pieces.join('')).toBe(result.text);
          expect(result.text.includes(stopText)).toBe(false);
          // The yielded steps are the free run's first tokens; tokens wholly inside the stop text are dropped.
          expect(result.tokens).toEqual(free.tokens.slice(0, result.tokens.length));
          expect(decodeTokens({ ids: result.tokens }).text.startsWith(result.text)).toBe(true);
          expect(result.generatedTokens).toBeGreaterThanOrEqual(result.steps.length);
        },
      ),
      { seed: 8, numRuns: 60 },
    );
  });

  it('cuts at the earliest of several stop sequences', () => {
    const free = generate({ index, prompt: ' the', maxTokens: 40, seed: 4 }).result();
    const late = free.text.slice(30, 34);
    const early = free.text.slice(10, 13);
    const result = generate({ index, prompt: ' the', maxTokens: 40, seed: 4, stop: [late, early] }).result();
    expect(result.text).toBe(free.text.slice(0, Math.min(free.text.indexOf(early), free.text.indexOf(late))));
  });

  it('emits whole characters only, and pieces that concatenate to the decoded output', () => {
    for (const doc of unicodeDocs) {
      const tokens = indexTokenIds({ text: doc.text });
      for (let k = 1; k < tokens.length - 1; k++) {
        // Greedy continuation of a unique document's prefix copies the rest of it.
        const generation = generate({
          index,
          promptTokens: tokens.slice(0, k),
          maxTokens: tokens.length - k,
          temperature: 0,
        });
        const pieces = [...generation].map((s) => s.text);
        for (const piece of pieces) {
          expect(piece).not.toMatch(/\uFFFD/);
          expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(piece)).toBe(
            false,
          );
        }
        const prefix = decodeTokens({ ids: tokens.slice(0, k) }).text;
        // The index holds documents normalized (NFKC, no zero-width joiner), and so does the output.
        expect(prefix + pieces.join('')).toBe(normalizedText(doc.text));
      }
    }
    const split = generate({ index, prompt: 'Flamingos', maxTokens: 4, temperature: 0 }).result();
    expect(split.steps.some((s) => s.text === '')).toBe(true);
    expect(split.text).toBe(' 🦩 stand');
  });

  it('never continues from, nor credits, a taken-down contribution', async () => {
    const own = await freshIndex();
    await addInBatches(own, [...randomDocuments(12, 40), secretDoc], 2);
    const rest = ' beside the amber lagoon while herons debate philosophy';
    const options = {
      index: own,
      prompt: 'Zebras graze quietly',
      maxTokens: indexTokenIds({ text: rest }).length,
      temperature: 0,
    };
    const before = generate(options).result();
    expect(before.text).toBe(rest);
    expect(supportWeights({ steps: before.steps }).contributions.map((c) => c.contributionId)).toContain(
      '30',
    );
    await own.removeContribution({ contributionId: '30' });
    for (const seed of [0, 1, 2]) {
      for (const temperature of [0, 1]) {
        const after = generate({ ...options, seed, temperature }).result();
        expect(after.text).not.toContain(' amber lagoon');
        for (const step of after.steps) for (const s of step.support) expect(s.contributionId).not.toBe('30');
        expect(
          supportWeights({ steps: after.steps }).contributions.map((c) => c.contributionId),
        ).not.toContain('30');
      }
    }
  });

  it('generates the same steps whatever the segment layout (merges)', async () => {
    const own = await freshIndex();
    await addInBatches(own, randomDocuments(31, 60), 4);
    await own.removeContribution({ contributionId: '2' });
    const run = () =>
      [0, 1, 2].map((seed) => {
        const { indexRoot: _root, ...rest } = generate({
          index: own,
          prompt: ' the',
          maxTokens: 25,
          seed,
        }).result();
        return JSON.stringify(rest);
      });
    const before = run();
    await own.merge({ full: true });
    expect(own.snapshot.segments).toHaveLength(1);
    expect(run()).toEqual(before);
  });

  it('finishes with stop when nothing can continue (empty index)', async () => {
    const empty = await freshIndex();
    const result = generate({ index: empty, prompt: 'hello', maxTokens: 5 }).result();
    expect(result).toMatchObject({ text: '', steps: [], finishReason: 'stop', generatedTokens: 0 });
  });

  it('starts from the unigram distribution without a prompt', () => {
    const { steps } = generate({ index, maxTokens: 5, temperature: 0 }).result();
    expect(steps[0]!.suffixLength).toBe(0);
    expectValidSteps(naive, [], steps, { greedy: true });
  });

  it('checks its parameters when called', () => {
    const bad = [
      { maxTokens: -1 },
      { maxTokens: 1.5 },
      { maxTokens: 5, temperature: -0.1 },
      { maxTokens: 5, temperature: Number.NaN },
      { maxTokens: 5, topK: 1.5 },
      { maxTokens: 5, seed: -3 },
      { maxTokens: 5, stop: [''] },
      { maxTokens: 5, promptTokens: [1, -2] },
      { maxTokens: 5, prompt: 'a', promptTokens: [1] },
      { maxTokens: 5, maxOccurrences: 0 },
    ];
    for (const parameters of bad) expect(() => generate({ index, ...parameters })).toThrow(InvalidInputError);
    const tooLong = 'x'.repeat(index.limits.maxQueryCharacters + 1);
    expect(() => generate({ index, prompt: tooLong, maxTokens: 1 })).toThrow(TextTooLongError);
  });
});
