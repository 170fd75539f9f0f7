/**
 * Planted-span recovery: model outputs made by copying passages from known documents between
 * stretches of novel text, and the precision and recall with which attribution names the
 * contributions the passages came from.
 */
import { createRandom } from './zipfCorpus.js';

/** An output with the contributions its planted passages came from, and the passages. */
export type PlantedOutput = { text: string; sources: string[]; passages: string[] };

export type MakePlantedOutputsParameters = {
  documents: readonly { contributionId: string; text: string }[];
  /** Novel text of about n words. */
  novel: (words: number) => string;
  outputs: number;
  seed: number;
  /** Passages per output (uniform in [min, max]). */
  passages?: [number, number];
  /** Words per passage. */
  passageWords?: [number, number];
  /** Novel words around passages. */
  novelWords?: [number, number];
};

/**
 * Builds outputs: novel text, then for each passage a span of words copied from a random document
 * (of a distinct contribution), then novel text again.
 * @example
 * const outputs = makePlantedOutputs({ documents, novel: (n) => generator.text(n), outputs: 50, seed: 1 });
 */
export function makePlantedOutputs(parameters: MakePlantedOutputsParameters): PlantedOutput[] {
  const random = createRandom(parameters.seed);
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
  const candidates = parameters.documents.filter((d) => d.text.split(' ').length >= 40);
  const out: PlantedOutput[] = [];
  for (let o = 0; o < parameters.outputs; o++) {
    const parts = [parameters.novel(between(parameters.novelWords ?? [20, 60]))];
    const sources = new Set<string>();
    const copied: string[] = [];
    const passages = between(parameters.passages ?? [1, 3]);
    for (let p = 0; p < passages; p++) {
      const document = candidates[Math.floor(random() * candidates.length)]!;
      if (sources.has(document.contributionId)) continue;
      const words = document.text.split(' ');
      const length = Math.min(words.length - 1, between(parameters.passageWords ?? [12, 30]));
      const start = 1 + Math.floor(random() * (words.length - length));
      const passage = words.slice(start, start + length).join(' ');
      parts.push(passage);
      copied.push(passage);
      parts.push(parameters.novel(between(parameters.novelWords ?? [20, 60])));
      sources.add(document.contributionId);
    }
    out.push({ text: parts.join(' '), sources: [...sources], passages: copied });
  }
  return out;
}

export type RecoveryScore = {
  outputs: number;
  /** Of the contributions given any weight, the fraction that were sources. */
  precision: number;
  /** Of the sources, the fraction given any weight. */
  recall: number;
  /** Precision counting only contributions given at least 1% (10,000 ppm). */
  precisionAtOnePercent: number;
  /** Recall counting only sources given at least 1%. */
  recallAtOnePercent: number;
  /** Mean share (of 1,000,000 ppm) that went to sources. */
  weightOnSources: number;
};

/**
 * Scores attributions against the known sources.
 * @example
 * scoreRecovery([{ sources: ['1'], weights: new Map([['1', 1_000_000]]) }]); // precision 1, recall 1
 */
export function scoreRecovery(
  results: readonly { sources: readonly string[]; weights: ReadonlyMap<string, number> }[],
): RecoveryScore {
  let predicted = 0;
  let relevant = 0;
  let hits = 0;
  let onSources = 0;
  let predictedAt1 = 0;
  let hitsAt1 = 0;
  for (const { sources, weights } of results) {
    const truth = new Set(sources);
    predicted += weights.size;
    relevant += truth.size;
    for (const [id, ppm] of weights) {
      if (ppm >= 10_000) predictedAt1++;
      if (truth.has(id)) {
        hits++;
        onSources += ppm / 1_000_000;
        if (ppm >= 10_000) hitsAt1++;
      }
    }
  }
  return {
    outputs: results.length,
    precision: predicted === 0 ? 1 : hits / predicted,
    recall: relevant === 0 ? 1 : hits / relevant,
    precisionAtOnePercent: predictedAt1 === 0 ? 1 : hitsAt1 / predictedAt1,
    recallAtOnePercent: relevant === 0 ? 1 : hitsAt1 / relevant,
    weightOnSources: results.length === 0 ? 0 : onSources / results.length,
  };
}
