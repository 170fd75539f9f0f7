/**
 * Fairness of attribution on a real corpus: model-like outputs that copy one to three passages
 * (each unique as a whole in the corpus) between novel words, with the whitespace reflowed and
 * quotes and dashes made typographic as an LLM's answer would have them, plus outputs that copy
 * nothing; and the five figures that say whether the data fee reaches the right contributors.
 */
import { createTextGenerator } from './syntheticText.js';
import { createRandom } from './zipfCorpus.js';

export type FairnessOutput = {
  text: string;
  /** Contributors owning a document that holds one of the copied passages (empty: a negative). */
  expected: string[];
  passages: number;
};

/**
 * Formatting-insensitive form for the ground truth (independent of the engine's normalizer):
 * NFKC, straight quotes, one hyphen for any dash run, no invisible characters, one space for any
 * whitespace run.
 */
export function canonicalText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c-\u201f]/g, '"')
    .replace(/[-\u2010-\u2015\u2212]+/g, '-')
    .replace(/\s+/g, ' ');
}

export type MakeFairnessOutputsParameters = {
  documents: readonly { contributor: string; text: string }[];
  positives: number;
  negatives: number;
  seed: number;
  /** Passages per positive output (uniform). */
  passages?: [number, number];
  /** Words per passage (uniform). */
  passageWords?: [number, number];
  /**
   * Where novel words come from: `synthetic` (English-like words of the encoding) or `corpus`
   * (words drawn at random from the corpus itself, so seams and negatives share its vocabulary).
   */
  novel?: 'synthetic' | 'corpus';
};

/**
 * Outputs with known expected contributors: positives copy passages that occur in exactly one
 * document (compared formatting-insensitively), negatives are novel words only.
 * @example
 * const outputs = makeFairnessOutputs({ documents, positives: 200, negatives: 100, seed: 1 });
 */
export function makeFairnessOutputs(parameters: MakeFairnessOutputsParameters): FairnessOutput[] {
  const random = createRandom(parameters.seed);
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo + 1));
  const canonical = parameters.documents.map((d) => canonicalText(d.text));
  const words = canonical.map((text) => text.split(' ').filter((w) => w.length > 0));
  const generator =
    parameters.novel === 'corpus'
      ? corpusWords(words, parameters.seed + 1)
      : createTextGenerator({ seed: parameters.seed + 1 });
  const candidates = words.map((w, k) => (w.length >= 80 ? k : -1)).filter((k) => k >= 0);
  const outputs: FairnessOutput[] = [];
  for (let o = 0; o < parameters.positives; o++) {
    const parts = [generator.text(between([10, 60]))];
    const expected = new Set<string>();
    const passages = between(parameters.passages ?? [1, 3]);
    for (let p = 0; p < passages; p++) {
      const passage = uniquePassage(
        canonical,
        words,
        candidates,
        random,
        parameters.passageWords ?? [12, 50],
      );
      if (!passage) continue;
      expected.add(parameters.documents[passage.document]!.contributor);
      parts.push(typographic(passage.text, random));
      parts.push(generator.text(between([10, 60])));
    }
    outputs.push({ text: reflow(parts.join(' '), random), expected: [...expected].sort(), passages });
  }
  for (let o = 0; o < parameters.negatives; o++) {
    outputs.push({ text: reflow(generator.text(between([60, 300])), random), expected: [], passages: 0 });
  }
  return outputs;
}

/**
 * Novel text of words drawn independently with the corpus's own word frequencies, among the words
 * that at least 20 documents use (a word found in few documents would be a copied passage itself).
 */
function corpusWords(words: readonly string[][], seed: number): { text(count: number): string } {
  const documentFrequency = new Map<string, number>();
  for (const document of words)
    for (const w of new Set(document)) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const all = words.flat().filter((w) => documentFrequency.get(w)! >= 20);
  const random = createRandom(seed);
  return {
    text: (count) => Array.from({ length: count }, () => all[Math.floor(random() * all.length)]!).join(' '),
  };
}

/** A passage of whole words from a random document that no other document holds. */
function uniquePassage(
  canonical: readonly string[],
  words: readonly string[][],
  candidates: readonly number[],
  random: () => number,
  lengths: [number, number],
): { text: string; document: number } | null {
  for (let attempt = 0; attempt < 200; attempt++) {
    const document = candidates[Math.floor(random() * candidates.length)]!;
    const w = words[document]!;
    const length = lengths[0] + Math.floor(random() * (lengths[1] - lengths[0] + 1));
    const start = Math.floor(random() * (w.length - length));
    const text = w.slice(start, start + length).join(' ');
    let holders = 0;
    for (let k = 0; k < canonical.length && holders < 2; k++) if (canonical[k]!.includes(text)) holders++;
    if (holders === 1) return { text, document };
  }
  return null;
}

/** Quotes and dashes as a typesetter or an LLM writes them (half the time). */
function typographic(text: string, random: () => number): string {
  if (random() < 0.5) return text;
  let open = true;
  return text
    .replace(/"/g, () => {
      open = !open;
      return open ? '\u201d' : '\u201c';
    })
    .replace(/'/g, '\u2019')
    .replace(/ - /g, ' \u2014 ');
}

/** Re-wraps text at 50–90 columns, sometimes indented, sometimes with blank lines. */
function reflow(text: string, random: () => number): string {
  const width = 50 + Math.floor(random() * 41);
  const indent = random() < 0.3 ? '    ' : '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      if (random() < 0.05) lines.push('');
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(indent + line);
  return lines.join('\n');
}

export type FairnessFigures = {
  positives: number;
  negatives: number;
  /** Mean over positives of the share (of 1,000,000 ppm) paid to expected contributors. */
  meanExpectedShare: number;
  /** Positives whose highest-weighted contributor is an expected one. */
  topIsExpected: number;
  /** Of the contributors paid anything (all positives together), those that are expected. */
  precision: number;
  /** Of the expected contributors (all positives together), those paid anything. */
  recall: number;
  /** Negatives attributed to nobody. */
  negativesUnattributed: number;
};

/** The five figures for attributions (contributor → ppm) of outputs with known expectations. */
export function scoreFairness(
  results: readonly {
    expected: readonly string[];
    contributors: readonly { contributor: string; ppm: number }[];
  }[],
): FairnessFigures {
  let positives = 0;
  let negatives = 0;
  let share = 0;
  let top = 0;
  let paid = 0;
  let paidExpected = 0;
  let expectedTotal = 0;
  let clean = 0;
  for (const { expected, contributors } of results) {
    const paidNow = contributors.filter((c) => c.ppm > 0);
    if (expected.length === 0) {
      negatives++;
      if (paidNow.length === 0) clean++;
      continue;
    }
    positives++;
    const truth = new Set(expected);
    expectedTotal += truth.size;
    paid += paidNow.length;
    let onExpected = 0;
    let best: { contributor: string; ppm: number } | undefined;
    for (const c of paidNow) {
      if (truth.has(c.contributor)) {
        paidExpected++;
        onExpected += c.ppm;
      }
      if (!best || c.ppm > best.ppm || (c.ppm === best.ppm && c.contributor < best.contributor)) best = c;
    }
    share += onExpected / 1_000_000;
    if (best && truth.has(best.contributor)) top++;
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : Number((a / b).toFixed(4)));
  return {
    positives,
    negatives,
    meanExpectedShare: ratio(share, positives),
    topIsExpected: ratio(top, positives),
    precision: ratio(paidExpected, paid),
    recall: ratio(paidExpected, expectedTotal),
    negativesUnattributed: ratio(clean, negatives),
  };
}

/** The targets of the five figures (issue 11). */
export const fairnessTargets = {
  meanExpectedShare: 0.9,
  topIsExpected: 0.95,
  precision: 0.8,
  recall: 0.95,
  negativesUnattributed: 1,
} as const;

/** Whether every figure meets its target. */
export function meetsTargets(figures: FairnessFigures): boolean {
  return (Object.keys(fairnessTargets) as (keyof typeof fairnessTargets)[]).every(
    (k) => figures[k] >= fairnessTargets[k],
  );
}
