/**
 * A synthetic corpus generator for tests and benchmarks: documents of Zipf-distributed tokens with
 * planted copies (passages copied verbatim from earlier documents), from a fixed seed.
 */

/** A seeded pseudo-random generator (SplitMix32): the same seed gives the same sequence everywhere. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** Walker/Vose alias table for O(1) sampling from a discrete distribution. */
export function createAliasSampler(weights: Float64Array, random: () => number): () => number {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i]! * n) / total;
    (scaled[i]! < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    probability[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  for (const i of large) probability[i] = 1;
  for (const i of small) probability[i] = 1;
  return () => {
    const u = random() * n;
    const i = Math.floor(u);
    return u - i < probability[i]! ? i : alias[i]!;
  };
}

export type ZipfCorpusParameters = {
  /** Total tokens in the documents (separators excluded). */
  tokens: number;
  /** Distinct token types (symbols 1..vocabulary). */
  vocabulary?: number;
  /** Zipf exponent. */
  exponent?: number;
  /** Mean document length in tokens (lengths are uniform in [mean/2, 3·mean/2]). */
  meanDocumentLength?: number;
  /** Fraction of documents that contain a passage copied from an earlier document. */
  plantedFraction?: number;
  /** End each document with the separator 0, as in a segment's text (default false). */
  separators?: boolean;
  seed?: number;
  /** Seed of the symbol-to-frequency-rank assignment; keep it to share token frequencies (default 1). */
  rankSeed?: number;
  /** Allocates the token array (default: a new typed array, 2 bytes per token below 65,536 types). */
  allocate?: ((length: number, alphabetSize: number) => Uint16Array | Uint32Array) | undefined;
};

export type ZipfCorpus = {
  /** Symbols 1..vocabulary, documents back to back (each followed by 0 with `separators`). */
  tokens: Uint16Array | Uint32Array;
  /**
   * Document d starts at documentStarts[d]; it ends at documentStarts[d + 1] (without separators)
   * or one before it (with separators).
   */
  documentStarts: Uint32Array;
  vocabulary: number;
};

/**
 * Generates a Zipf corpus with planted copies, allocating only the token array and the document
 * offsets (so that it can be used to measure build memory).
 * @example
 * const corpus = generateZipfCorpus({ tokens: 1_000_000, seed: 1 });
 */
export function generateZipfCorpus(parameters: ZipfCorpusParameters): ZipfCorpus {
  const total = Math.floor(parameters.tokens);
  const vocabulary = parameters.vocabulary ?? 50_000;
  const exponent = parameters.exponent ?? 1.05;
  const mean = parameters.meanDocumentLength ?? 500;
  const plantedFraction = parameters.plantedFraction ?? 0.02;
  const separator = parameters.separators ? 1 : 0;
  const random = createRandom(parameters.seed ?? 1);
  const weights = new Float64Array(vocabulary);
  for (let r = 0; r < vocabulary; r++) weights[r] = 1 / (r + 1) ** exponent;
  const sample = createAliasSampler(weights, random);
  // Token symbols are a fixed permutation of ranks so that frequent tokens are not all small ids.
  const symbolOfRank = new Uint32Array(vocabulary);
  const rankRandom = createRandom(parameters.rankSeed ?? 1);
  for (let r = 0; r < vocabulary; r++) symbolOfRank[r] = r + 1;
  for (let r = vocabulary - 1; r > 0; r--) {
    const k = Math.floor(rankRandom() * (r + 1));
    const t = symbolOfRank[r]!;
    symbolOfRank[r] = symbolOfRank[k]!;
    symbolOfRank[k] = t;
  }
  // Document lengths first, so that the text is allocated once.
  const lengths: number[] = [];
  for (let sum = 0; sum < total; ) {
    const length = Math.min(total - sum, Math.max(1, Math.floor(mean / 2 + random() * mean)));
    lengths.push(length);
    sum += length;
  }
  const size = total + separator * lengths.length;
  const tokens =
    parameters.allocate?.(size, vocabulary + 1) ??
    (vocabulary < 65_536 ? new Uint16Array(size) : new Uint32Array(size));
  const documentStarts = new Uint32Array(lengths.length + 1);
  let position = 0;
  lengths.forEach((length, d) => {
    documentStarts[d] = position;
    const end = position + length;
    let i = position;
    if (d > 2 && random() < plantedFraction) {
      // Plant a passage copied from an earlier document.
      const copyLength = Math.min(length, 20 + Math.floor(random() * 180));
      const from = Math.max(0, Math.floor(random() * position) - copyLength);
      const at = position + Math.floor(random() * (length - copyLength + 1));
      for (; i < at; i++) tokens[i] = symbolOfRank[sample()]!;
      tokens.copyWithin(at, from, from + copyLength);
      // A copy that took in a separator stops being a copy there.
      for (let k = at; k < at + copyLength; k++) if (tokens[k] === 0) tokens[k] = symbolOfRank[sample()]!;
      i = at + copyLength;
    }
    for (; i < end; i++) tokens[i] = symbolOfRank[sample()]!;
    position = end + separator;
  });
  documentStarts[lengths.length] = position;
  return { tokens, documentStarts, vocabulary };
}
