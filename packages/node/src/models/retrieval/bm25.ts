/**
 * BM25 (Okapi; k1 = 1.2, b = 0.75 by default) over passages, with a deterministic word tokenizer
 * and a canonical serialization: the same passages give the same bytes, so a retrieval model's
 * artifact hash can be recomputed by anyone.
 *
 * score(q, p) = Σ over distinct query terms t in p of
 *   idf(t) · tf(t, p) · (k1 + 1) / (tf(t, p) + k1 · (1 − b + b · |p| / avg|p|)),
 * idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))   (never negative, as in Lucene).
 */
import { CorruptRetrievalIndexError, EmptyQuestionError, InvalidRetrievalInputError } from './errors.js';
import type { Passage } from './passages.js';

/** A small English stopword list (articles, pronouns, auxiliaries, prepositions, question words). */
export const stopwords: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could d did do does doing down during each few for from further ' +
    'had has have having he her here hers him his how i if in into is it its itself just ll m me more ' +
    'most my no nor not of off on once only or other our ours out over own re s same she should so ' +
    'some such t than that the their theirs them then there these they this those through to too ' +
    'under until up ve very was we were what when where which while who whom whose why will with ' +
    'would you your yours'
  ).split(' '),
);

/** Scripts written without spaces: each character is a term. */
const ideographic = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const termPattern = new RegExp(`[${ideographic}]|(?:(?![${ideographic}])[\\p{L}\\p{M}\\p{N}])+`, 'gu');

export type TokenizeTermsParameters = { text: string };

/**
 * The BM25 terms of a text: NFKC-normalized, lower-cased (locale-independent), runs of letters,
 * marks and digits (each Han/Hiragana/Katakana character alone), stopwords removed.
 * @example
 * tokenizeTerms({ text: 'The Rivers of Café-Zürich, 2024' }); // ['rivers', 'café', 'zürich', '2024']
 */
export function tokenizeTerms(parameters: TokenizeTermsParameters): string[] {
  const text = parameters.text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  for (const match of text.matchAll(termPattern)) if (!stopwords.has(match[0])) out.push(match[0]);
  return out;
}

/** A term's postings: passages (ascending indices) and the term's frequency in each. */
type Postings = { passages: Uint32Array; frequencies: Uint32Array };

/** A BM25 index over passages (build with {@link buildBm25Index}, or read from bytes). */
export type Bm25Index = {
  readonly k1: number;
  readonly b: number;
  readonly passages: readonly Passage[];
  /** Terms in each passage. */
  readonly lengths: Uint32Array;
  readonly averageLength: number;
  /** Terms in code-unit order (the serialization's order). */
  readonly terms: readonly string[];
  readonly postings: ReadonlyMap<string, Postings>;
};

export type BuildBm25IndexParameters = {
  passages: readonly Passage[];
  /** Term-frequency saturation (default 1.2). */
  k1?: number | undefined;
  /** Length normalization, 0–1 (default 0.75). */
  b?: number | undefined;
};

export type BuildBm25IndexReturnType = Bm25Index;

/**
 * Builds a BM25 index over passages (kept in the index, so answers can quote them).
 * @example
 * const index = buildBm25Index({ passages: splitPassages({ documents }) });
 */
export function buildBm25Index(parameters: BuildBm25IndexParameters): BuildBm25IndexReturnType {
  const k1 = parameters.k1 ?? 1.2;
  const b = parameters.b ?? 0.75;
  if (!Number.isFinite(k1) || k1 < 0) throw new InvalidRetrievalInputError('k1 must be a finite number ≥ 0');
  if (!Number.isFinite(b) || b < 0 || b > 1) throw new InvalidRetrievalInputError('b must be in [0, 1]');
  const passages = parameters.passages;
  const lists = new Map<string, number[]>();
  const lengths = new Uint32Array(passages.length);
  passages.forEach((passage, p) => {
    const counts = new Map<string, number>();
    const terms = tokenizeTerms({ text: passage.text });
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    lengths[p] = terms.length;
    for (const [term, tf] of counts) {
      let list = lists.get(term);
      if (!list) {
        list = [];
        lists.set(term, list);
      }
      list.push(p, tf);
    }
  });
  const terms = [...lists.keys()].sort(compareCodeUnits);
  const postings = new Map<string, Postings>();
  for (const term of terms) {
    const list = lists.get(term)!;
    const n = list.length / 2;
    const entry = { passages: new Uint32Array(n), frequencies: new Uint32Array(n) };
    for (let i = 0; i < n; i++) {
      entry.passages[i] = list[2 * i]!;
      entry.frequencies[i] = list[2 * i + 1]!;
    }
    postings.set(term, entry);
  }
  return makeIndex(k1, b, [...passages], lengths, terms, postings);
}

function makeIndex(
  k1: number,
  b: number,
  passages: Passage[],
  lengths: Uint32Array,
  terms: string[],
  postings: Map<string, Postings>,
): Bm25Index {
  let sum = 0;
  for (const length of lengths) sum += length;
  const averageLength = passages.length > 0 ? sum / passages.length : 0;
  return { k1, b, passages, lengths, averageLength, terms, postings };
}

/** Orders strings by UTF-16 code units (the same everywhere, unlike `localeCompare`). */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type SearchBm25Parameters = {
  index: Bm25Index;
  /** The query text (tokenized like the passages). */
  query: string;
  /** Most passages to return (default 5). */
  k?: number | undefined;
};

/** A passage found by a search. */
export type ScoredPassage = {
  passage: Passage;
  /** BM25 score (> 0). */
  score: number;
  /** Rank in the results, from 1. */
  rank: number;
};

export type SearchBm25ReturnType = ScoredPassage[];

/**
 * The k passages that score highest for a query, best first; ties in index order (the order the
 * passages were given to {@link buildBm25Index}). Only passages holding a query term are returned;
 * a query of stopwords only returns none. Scores do not depend on the order of the query's words.
 * @example
 * const hits = searchBm25({ index, query: 'how do rivers carry sediment', k: 5 });
 * hits[0]; // { passage: { id: '12:0', text, … }, score: 7.31, rank: 1 }
 */
export function searchBm25(parameters: SearchBm25Parameters): SearchBm25ReturnType {
  const { index, query } = parameters;
  const k = parameters.k ?? 5;
  if (typeof query !== 'string') throw new InvalidRetrievalInputError('query must be a string');
  if (query.trim().length === 0) throw new EmptyQuestionError();
  if (!Number.isSafeInteger(k) || k < 0)
    throw new InvalidRetrievalInputError('k must be a non-negative integer');
  const terms = [...new Set(tokenizeTerms({ text: query }))].sort(compareCodeUnits);
  const n = index.passages.length;
  const scores = new Float64Array(n);
  const touched: number[] = [];
  const { k1, b, lengths, averageLength } = index;
  for (const term of terms) {
    const entry = index.postings.get(term);
    if (!entry) continue;
    const df = entry.passages.length;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (let i = 0; i < df; i++) {
      const p = entry.passages[i]!;
      const tf = entry.frequencies[i]!;
      const norm = averageLength > 0 ? 1 - b + (b * lengths[p]!) / averageLength : 1;
      if (scores[p] === 0) touched.push(p);
      scores[p]! += (idf * tf * (k1 + 1)) / (tf + k1 * norm);
    }
  }
  const found = touched.filter((p) => scores[p]! > 0);
  found.sort((x, y) => scores[y]! - scores[x]! || x - y);
  return found.slice(0, k).map((p, i) => ({ passage: index.passages[p]!, score: scores[p]!, rank: i + 1 }));
}

/** Format name written in serialized indexes. */
export const bm25Format = 'tributary-bm25';
/** Version of the serialization. */
export const bm25FormatVersion = 1;

export type SerializeBm25IndexParameters = { index: Bm25Index };

/**
 * Serializes an index to canonical bytes: UTF-8 JSON without spaces, fixed key order, terms in
 * code-unit order, postings as [passage gap, frequency, …] pairs. The same passages and options
 * give the same bytes.
 * @example
 * await writeFile('bm25.bin', serializeBm25Index({ index }));
 */
export function serializeBm25Index(parameters: SerializeBm25IndexParameters): Uint8Array {
  const { index } = parameters;
  const postings = index.terms.map((term) => {
    const entry = index.postings.get(term)!;
    const out: number[] = [];
    let previous = 0;
    for (let i = 0; i < entry.passages.length; i++) {
      out.push(entry.passages[i]! - previous, entry.frequencies[i]!);
      previous = entry.passages[i]!;
    }
    return out;
  });
  const json = {
    format: bm25Format,
    version: bm25FormatVersion,
    k1: index.k1,
    b: index.b,
    passages: index.passages.map((p) => [
      p.id,
      p.contributionId,
      p.contributor,
      p.datanetId,
      p.ordinal,
      p.document,
      p.charStart,
      p.charEnd,
      p.words,
      p.text,
    ]),
    terms: index.terms,
    postings,
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

export type DeserializeBm25IndexParameters = { bytes: Uint8Array };

/**
 * Reads an index from {@link serializeBm25Index}'s bytes, checking its structure; malformed bytes
 * throw `CorruptRetrievalIndexError`.
 * @example
 * const index = deserializeBm25Index({ bytes: await readFile('bm25.bin') });
 */
export function deserializeBm25Index(parameters: DeserializeBm25IndexParameters): Bm25Index {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(parameters.bytes));
  } catch (error) {
    throw new CorruptRetrievalIndexError(['not UTF-8 JSON'], error);
  }
  const fail = (detail: string): never => {
    throw new CorruptRetrievalIndexError([detail]);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const o = json as Record<string, unknown>;
  if (o.format !== bm25Format) fail(`format is not ${bm25Format}`);
  if (o.version !== bm25FormatVersion) fail(`unsupported version ${String(o.version)}`);
  const { k1, b } = o;
  if (typeof k1 !== 'number' || !(k1 >= 0)) fail('k1 is not a number ≥ 0');
  if (typeof b !== 'number' || !(b >= 0 && b <= 1)) fail('b is not in [0, 1]');
  if (!Array.isArray(o.passages) || !Array.isArray(o.terms) || !Array.isArray(o.postings)) {
    fail('passages, terms and postings must be arrays');
  }
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const passages: Passage[] = (o.passages as unknown[]).map((row, i) => {
    if (!Array.isArray(row) || row.length !== 10) return fail(`passage ${i} is malformed`);
    const [id, contributionId, contributor, datanetId, ordinal, document, charStart, charEnd, words, text] =
      row;
    if (
      typeof id !== 'string' ||
      typeof contributionId !== 'string' ||
      typeof contributor !== 'string' ||
      typeof datanetId !== 'string' ||
      typeof text !== 'string' ||
      ![ordinal, document, charStart, charEnd, words].every(isCount)
    ) {
      return fail(`passage ${i} is malformed`);
    }
    return { id, contributionId, contributor, datanetId, ordinal, document, charStart, charEnd, text, words };
  });
  const terms = o.terms as unknown[];
  const rows = o.postings as unknown[];
  if (rows.length !== terms.length) fail('terms and postings differ in length');
  const lengths = new Uint32Array(passages.length);
  const postings = new Map<string, Postings>();
  terms.forEach((term, t) => {
    if (typeof term !== 'string' || term.length === 0) fail(`term ${t} is not a string`);
    if (t > 0 && !(compareCodeUnits(terms[t - 1] as string, term as string) < 0))
      fail('terms are not sorted');
    const row = rows[t];
    if (!Array.isArray(row) || row.length === 0 || row.length % 2 !== 0 || !row.every(isCount)) {
      fail(`postings of term ${t} are malformed`);
    }
    const list = row as number[];
    const n = list.length / 2;
    const entry = { passages: new Uint32Array(n), frequencies: new Uint32Array(n) };
    let p = 0;
    for (let i = 0; i < n; i++) {
      const gap = list[2 * i]!;
      const tf = list[2 * i + 1]!;
      if ((i > 0 && gap === 0) || tf === 0) fail(`postings of term ${t} are not increasing`);
      p += gap;
      if (p >= passages.length) fail(`postings of term ${t} name a missing passage`);
      entry.passages[i] = p;
      entry.frequencies[i] = tf;
      lengths[p]! += tf;
    }
    postings.set(term as string, entry);
  });
  return makeIndex(k1 as number, b as number, passages, lengths, terms as string[], postings);
}
