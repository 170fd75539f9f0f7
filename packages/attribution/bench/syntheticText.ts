/**
 * Synthetic English-like text for tests and benchmarks: real single-token words drawn with Zipf
 * frequencies, so that documents share common words and short phrases but rarely long passages.
 */
import bpeRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { createAliasSampler, createRandom } from './zipfCorpus.js';

export type TextGenerator = {
  /** A sentence-structured text of about `words` words. */
  text(words: number): string;
};

/**
 * A generator of English-like text: words are the encoding's own single-token words (a space and
 * 3–12 lowercase letters, such as " river"), in a seeded random order of frequency ranks with Zipf
 * frequencies, so text tokenizes like prose (about one token per word) but says nothing.
 * @example
 * const generator = createTextGenerator({ seed: 1 }); generator.text(200);
 */
export function createTextGenerator(parameters: {
  seed: number;
  vocabulary?: number;
  exponent?: number;
}): TextGenerator {
  const random = createRandom(parameters.seed);
  const size = parameters.vocabulary ?? 20_000;
  const candidates = (bpeRanks as (string | number[])[]).filter(
    (value): value is string => typeof value === 'string' && /^ [a-z]{3,12}$/.test(value),
  );
  // A seeded shuffle picks the lexicon and its frequency order.
  for (let i = candidates.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [candidates[i], candidates[k]] = [candidates[k]!, candidates[i]!];
  }
  const words = candidates.slice(0, size).map((w) => w.slice(1));
  const weights = Float64Array.from(words, (_, r) => 1 / (r + 1) ** (parameters.exponent ?? 1));
  const sample = createAliasSampler(weights, random);
  return {
    text(count: number): string {
      const out: string[] = [];
      let sentence = 0;
      for (let i = 0; i < count; i++) {
        let word = words[sample()]!;
        if (sentence === 0) word = word[0]!.toUpperCase() + word.slice(1);
        sentence++;
        if (sentence > 6 && random() < 0.15) {
          word += random() < 0.2 ? ',' : '.';
          if (word.endsWith('.')) sentence = 0;
        }
        out.push(word);
      }
      return `${out.join(' ')}.`;
    },
  };
}
