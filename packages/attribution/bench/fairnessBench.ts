/**
 * The fairness benchmark on each real corpus found on this machine: index it, attribute the
 * planted outputs, print the five figures against their targets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute } from '../src/attribute.js';
import { openIndex } from '../src/attributionIndex.js';
import { fairnessTargets, makeFairnessOutputs, meetsTargets, scoreFairness } from './fairness.js';
import type { RealCorpusResult } from './realCorpora.js';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export type MeasureFairnessParameters = {
  corpus: RealCorpusResult;
  positives: number;
  negatives: number;
  seed: number;
  passageWords?: [number, number];
  novel?: 'synthetic' | 'corpus';
  log: (message: string) => void;
};

/** Indexes a corpus, attributes its planted outputs and scores them. */
export async function measureFairness(
  parameters: MeasureFairnessParameters,
): Promise<Record<string, unknown>> {
  const { corpus, log } = parameters;
  if ('skipped' in corpus) {
    log(`fairness on ${corpus.name} skipped: ${corpus.skipped}`);
    return { corpus: corpus.name, skipped: corpus.skipped };
  }
  const characters = corpus.documents.reduce((sum, d) => sum + d.text.length, 0);
  log(
    `fairness on ${corpus.name}: ${corpus.documents.length} documents, ${round(characters / 1e6, 1)}M characters`,
  );
  const directory = await mkdtemp(join(tmpdir(), `attribution-fairness-${corpus.name}-`));
  try {
    const index = await openIndex({ directory, create: true });
    let t = performance.now();
    const added = await index.addDocuments({ documents: corpus.documents });
    const indexSeconds = (performance.now() - t) / 1000;
    const words = parameters.passageWords ?? [12, 50];
    const novel =
      parameters.novel === 'corpus'
        ? "novel words drawn from the corpus's common words (those ≥ 20 documents use)"
        : 'novel English-like words (syntheticText.ts)';
    const outputs = makeFairnessOutputs({
      documents: corpus.documents,
      positives: parameters.positives,
      negatives: parameters.negatives,
      seed: parameters.seed,
      passageWords: parameters.passageWords,
      novel: parameters.novel,
    });
    const attributeMs: number[] = [];
    const results = outputs.map((o) => {
      t = performance.now();
      const result = attribute({ index, text: o.text });
      attributeMs.push(performance.now() - t);
      return { expected: o.expected, contributors: result.contributors };
    });
    await index.close();
    const figures = scoreFairness(results);
    attributeMs.sort((a, b) => a - b);
    log(`  ${JSON.stringify(figures)}`);
    return {
      corpus: corpus.name,
      source: corpus.source,
      documents: corpus.documents.length,
      contributors: corpus.contributors,
      characters,
      tokens: added.tokens,
      indexSeconds: round(indexSeconds),
      outputs: {
        positives: figures.positives,
        negatives: figures.negatives,
        note: `positives: 1–3 passages of ${words[0]}–${words[1]} words, each held (formatting aside) by exactly one document, between ${novel}, whitespace re-wrapped at 50–90 columns, quotes/dashes typographic in half of them; negatives: 60–300 such words`,
      },
      figures,
      targets: fairnessTargets,
      meetsTargets: meetsTargets(figures),
      attribute: {
        p50Ms: round(attributeMs[Math.floor(attributeMs.length / 2)]!),
        p99Ms: round(
          attributeMs[Math.min(attributeMs.length - 1, Math.ceil(attributeMs.length * 0.99) - 1)]!,
        ),
      },
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
