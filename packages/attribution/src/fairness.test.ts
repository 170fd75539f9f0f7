import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fairnessTargets, makeFairnessOutputs, scoreFairness } from '../bench/fairness.js';
import { licenceCorpus } from '../bench/licenceCorpus.js';
import { attribute } from './attribute.js';
import { type AttributionIndex, openIndex } from './attributionIndex.js';

const documents = licenceCorpus({ documents: 120, contributors: 40, seed: 3 });
let directory: string;
let index: AttributionIndex;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'fairness-'));
  index = await openIndex({ directory, create: true });
  await index.addDocuments({ documents: documents.slice(0, 60) });
  await index.addDocuments({ documents: documents.slice(60) });
});

afterAll(async () => {
  await index.close();
  await rm(directory, { recursive: true, force: true });
});

describe('fairness on licence boilerplate', () => {
  it('pays the contributors whose unique passages an output copies, reflowed, and nobody for novel text', () => {
    const outputs = makeFairnessOutputs({ documents, positives: 80, negatives: 40, seed: 9 });
    const figures = scoreFairness(
      outputs.map((o) => ({
        expected: o.expected,
        contributors: attribute({ index, text: o.text }).contributors,
      })),
    );
    console.log(`fairness on the synthetic licence corpus: ${JSON.stringify(figures)}`);
    for (const [figure, target] of Object.entries(fairnessTargets))
      expect(figures[figure as keyof typeof fairnessTargets], figure).toBeGreaterThanOrEqual(target);
  });

  it('credits a passage wrapped differently in the output to its document, with ranges in the output', () => {
    const source = documents.find((d) => d.text.includes('Comment:'))!;
    const comment = source.text.slice(source.text.indexOf('Comment:') + 9).trim();
    const words = comment.split(/\s+/).slice(0, 20);
    const copied = words.join('  \n\t');
    const output = `Here is something novel: ${copied}. And that is all.`;
    const result = attribute({ index, text: output });
    expect(result.contributors.map((c) => c.contributor)).toEqual([source.contributor]);
    const span = result.spans.find((s) => s.weight > 0)!;
    expect(output.slice(span.charStart, span.charEnd)).toBe(span.text);
    expect(span.text).toContain(copied.slice(words[0]!.length, -words[19]!.length));
  });
});
