import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Bm25Index,
  buildBm25Index,
  deserializeBm25Index,
  searchBm25,
  serializeBm25Index,
  tokenizeTerms,
} from './bm25.js';
import { CorruptRetrievalIndexError, EmptyQuestionError, InvalidRetrievalInputError } from './errors.js';
import { type Passage, type PassageDocument, splitPassages } from './passages.js';

const documents: PassageDocument[] = [
  {
    contributionId: '1',
    contributor: '0xa',
    datanetId: '1',
    text: 'Rivers carry sediment from the mountains to the sea, where deltas form over centuries.',
  },
  {
    contributionId: '2',
    contributor: '0xb',
    datanetId: '1',
    text: 'Glaciers grind rock into fine flour; meltwater streams carry the flour to lakes.',
  },
  {
    contributionId: '3',
    contributor: '0xc',
    datanetId: '2',
    text: 'The recipe needs flour, butter and sugar. Bake the cake for forty minutes.',
  },
  {
    contributionId: '4',
    contributor: '0xd',
    datanetId: '2',
    text: 'Deltas are landforms at river mouths. The Nile delta and the Mississippi delta are famous deltas.',
  },
  { contributionId: '5', contributor: '0xe', datanetId: '2', text: 'ÉCOLE Zürich: 日本語の川と海について。' },
];

const passagesOf = (docs: PassageDocument[]) => splitPassages({ documents: docs });
const ids = (hits: { passage: Passage }[]) => hits.map((h) => h.passage.contributionId);

describe('tokenizeTerms', () => {
  it('lower-cases Unicode, keeps letters and digits, drops stopwords, splits ideographs', () => {
    expect(tokenizeTerms({ text: 'The Rivers of Café-ZÜRICH, 2024!' })).toEqual([
      'rivers',
      'café',
      'zürich',
      '2024',
    ]);
    expect(tokenizeTerms({ text: 'cafe\u0301 ﬁsh' })).toEqual(['café', 'fish']);
    expect(tokenizeTerms({ text: '日本語abc' })).toEqual(['日', '本', '語', 'abc']);
    expect(tokenizeTerms({ text: 'what is it?' })).toEqual([]);
  });
});

describe('BM25', () => {
  const index = buildBm25Index({ passages: passagesOf(documents) });

  it('ranks passages holding the query terms above unrelated ones', () => {
    // Both terms (deltas, form) beat one term twice.
    expect(ids(searchBm25({ index, query: 'how do deltas form?', k: 5 }))).toEqual(['1', '4']);
    expect(ids(searchBm25({ index, query: 'deltas', k: 5 }))).toEqual(['4', '1']);
    expect(ids(searchBm25({ index, query: 'flour', k: 5 }))).toEqual(['2', '3']);
    expect(ids(searchBm25({ index, query: 'bake a cake' }))).toEqual(['3']);
    expect(ids(searchBm25({ index, query: 'ecole zurich' }))).toEqual([]);
    expect(ids(searchBm25({ index, query: 'École ZÜRICH' }))).toEqual(['5']);
    expect(ids(searchBm25({ index, query: '川' }))).toEqual(['5']);
    expect(searchBm25({ index, query: 'the of and' })).toEqual([]);
    const hits = searchBm25({ index, query: 'deltas flour', k: 2 });
    expect(hits.map((h) => h.rank)).toEqual([1, 2]);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('computes the Okapi BM25 score', () => {
    // Passage 0 ("rivers carry sediment mountains sea deltas form centuries"): 8 terms.
    const n = index.passages.length;
    const avg = index.averageLength;
    const df = 2; // deltas: documents 1 and 4
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const expected = (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 8) / avg));
    const hit = searchBm25({ index, query: 'deltas', k: 5 }).find((h) => h.passage.contributionId === '1')!;
    expect(index.lengths[0]).toBe(8);
    expect(hit.score).toBeCloseTo(expected, 12);
  });

  it('normalizes by length: the same match in a shorter passage scores higher', () => {
    const short = { contributionId: '10', contributor: '0x1', datanetId: '1', text: 'Sediment settles.' };
    const long = {
      contributionId: '11',
      contributor: '0x1',
      datanetId: '1',
      text: 'Sediment settles slowly in calm water behind dams, in lakes, estuaries and lagoons.',
    };
    const both = buildBm25Index({ passages: passagesOf([long, short]) });
    expect(ids(searchBm25({ index: both, query: 'sediment' }))).toEqual(['10', '11']);
    // With b = 0 there is no length normalization: a tie, broken by index order.
    const flat = buildBm25Index({ passages: passagesOf([long, short]), b: 0 });
    const hits = searchBm25({ index: flat, query: 'sediment' });
    expect(ids(hits)).toEqual(['11', '10']);
    expect(hits[0]!.score).toBe(hits[1]!.score);
  });

  it('breaks ties by index order and ignores the order of query words', () => {
    const same = ['7', '3', '9'].map((c) => ({
      contributionId: c,
      contributor: '0x',
      datanetId: '1',
      text: 'Same words here.',
    }));
    const tied = buildBm25Index({ passages: passagesOf(same) });
    expect(ids(searchBm25({ index: tied, query: 'words', k: 3 }))).toEqual(['7', '3', '9']);
    expect(searchBm25({ index, query: 'sediment deltas flour rivers' })).toEqual(
      searchBm25({ index, query: 'rivers flour deltas sediment sediment' }),
    );
    expect(searchBm25({ index, query: 'deltas', k: 1 })).toHaveLength(1);
    expect(searchBm25({ index, query: 'deltas', k: 0 })).toEqual([]);
  });

  it('serializes to canonical bytes that read back to the same index', () => {
    const bytes = serializeBm25Index({ index });
    const again = serializeBm25Index({ index: buildBm25Index({ passages: passagesOf(documents) }) });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const read = deserializeBm25Index({ bytes });
    expect(Buffer.from(serializeBm25Index({ index: read })).equals(Buffer.from(bytes))).toBe(true);
    expect(read.passages).toEqual(index.passages);
    expect(read.lengths).toEqual(index.lengths);
    for (const query of ['deltas', 'flour cake', 'rivers carry sediment', '日本']) {
      expect(searchBm25({ index: read, query, k: 5 })).toEqual(searchBm25({ index, query, k: 5 }));
    }
  });

  it('round-trips random corpora byte for byte', () => {
    const words = ['river', 'delta', 'flour', 'sea', 'the', 'Ünïcode', '川', '42', 'cake', '.', '\n\n'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...words), { maxLength: 60 }), { maxLength: 8 }),
        fc.constantFrom(0, 0.5, 0.75, 1),
        (texts, b) => {
          const docs = texts.map((t, i) => ({
            contributionId: String(i % 3),
            contributor: `0x${i}`,
            datanetId: '1',
            text: t.join(' '),
          }));
          const built: Bm25Index = buildBm25Index({ passages: passagesOf(docs), b, k1: 1.5 });
          const bytes = serializeBm25Index({ index: built });
          const read = deserializeBm25Index({ bytes });
          expect(Buffer.from(serializeBm25Index({ index: read })).equals(Buffer.from(bytes))).toBe(true);
          expect(searchBm25({ index: read, query: 'river delta 川', k: 10 })).toEqual(
            searchBm25({ index: built, query: 'river delta 川', k: 10 }),
          );
        },
      ),
      { seed: 4, numRuns: 100 },
    );
  });

  it('refuses corrupted bytes and bad input with clear errors', () => {
    const bytes = serializeBm25Index({ index });
    const text = new TextDecoder().decode(bytes);
    const corrupt = [
      new Uint8Array([0xff, 0xfe]),
      new TextEncoder().encode('[]'),
      new TextEncoder().encode(text.replace('"tributary-bm25"', '"other"')),
      new TextEncoder().encode(text.replace('"version":1', '"version":2')),
      new TextEncoder().encode(text.replace('"terms":["', '"terms":["zzzz","')),
      bytes.subarray(0, bytes.length - 10),
    ];
    for (const c of corrupt)
      expect(() => deserializeBm25Index({ bytes: c })).toThrow(CorruptRetrievalIndexError);
    try {
      deserializeBm25Index({ bytes: corrupt[2]! });
    } catch (error) {
      expect((error as CorruptRetrievalIndexError).status).toBe(500);
    }
    expect(() => searchBm25({ index, query: '  \n' })).toThrow(EmptyQuestionError);
    expect(() => searchBm25({ index, query: 'x', k: -1 })).toThrow(InvalidRetrievalInputError);
    expect(() => buildBm25Index({ passages: [], b: 2 })).toThrow(InvalidRetrievalInputError);
    expect(searchBm25({ index: buildBm25Index({ passages: [] }), query: 'rivers' })).toEqual([]);
  });
});
