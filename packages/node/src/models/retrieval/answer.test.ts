import { describe, expect, it } from 'vitest';
import { answerFromPassages, buildRagPrompt, ragSystemPrompt } from './answer.js';
import { buildBm25Index, searchBm25 } from './bm25.js';
import { EmptyQuestionError, InvalidRetrievalInputError } from './errors.js';
import { countWords, type PassageDocument, splitPassages } from './passages.js';

const documents: PassageDocument[] = [
  {
    contributionId: '101',
    contributor: '0xaaa',
    datanetId: '1',
    text:
      'Rivers shape the land. A river carries sediment downstream to the sea.\n' +
      'Where the river slows at its mouth, the sediment settles and a delta forms. Fish like warm water.',
  },
  {
    contributionId: '102',
    contributor: '0xbbb',
    datanetId: '1',
    text: 'The Nile delta formed from sediment of the Nile river. Farmers grow cotton there.',
  },
  {
    contributionId: '103',
    contributor: '0xccc',
    datanetId: '2',
    text: 'Sourdough bread needs flour, water and salt. Bake it hot.',
  },
  {
    contributionId: '104',
    contributor: '0xddd',
    datanetId: '2',
    text: 'The Nile delta formed from sediment of the Nile river. A copy of the same sentence.',
  },
];
const index = buildBm25Index({ passages: splitPassages({ documents }) });
const question = 'How does a river delta form from sediment?';
const hits = searchBm25({ index, query: question, k: 4 });

describe('answerFromPassages', () => {
  it('quotes the most relevant sentences, cited with the right contributions', () => {
    const { text, citations } = answerFromPassages({ question, passages: hits, maxWords: 60 });
    expect(text).toContain('the sediment settles and a delta forms.');
    expect(text).toContain('A river carries sediment downstream to the sea.');
    expect(text).not.toContain('Fish like warm water');
    expect(text).not.toContain('Sourdough');
    // Citation marks point at the passages the sentences came from.
    for (const citation of citations) {
      expect(text).toContain(`[${citation.n}]`);
      const passage = hits.find((h) => h.passage.id === citation.passageId)!;
      expect(citation).toMatchObject({
        contributionId: passage.passage.contributionId,
        contributor: passage.passage.contributor,
        datanetId: passage.passage.datanetId,
        score: passage.score,
      });
      const source = documents.find((d) => d.contributionId === citation.contributionId)!.text;
      for (const s of citation.sentences) {
        const quoted = text.slice(s.answerStart, s.answerEnd);
        expect(source.slice(s.documentStart, s.documentEnd).replace(/\s+/g, ' ')).toBe(quoted);
      }
    }
    expect(citations.map((c) => c.n)).toEqual(citations.map((_, i) => i + 1));
    const river = citations.find((c) => c.contributionId === '101')!;
    expect(text.indexOf('A river carries')).toBeLessThan(text.indexOf(`[${river.n}]`));
    // The same sentence in two contributions is quoted once.
    expect(text.split('The Nile delta formed from sediment of the Nile river.').length).toBeLessThanOrEqual(
      2,
    );
  });

  it('keeps sentences of a passage in document order, passages in rank order', () => {
    const { text, citations } = answerFromPassages({ question, passages: hits, maxWords: 200 });
    expect(text.indexOf('A river carries')).toBeLessThan(text.indexOf('a delta forms'));
    const ranks = citations.map((c) => hits.findIndex((h) => h.passage.id === c.passageId));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('stays within maxWords', () => {
    for (const maxWords of [1, 5, 12, 30]) {
      const { text, citations } = answerFromPassages({ question, passages: hits, maxWords });
      expect(countWords({ text: text.replace(/ \[\d+\]/g, '') })).toBeLessThanOrEqual(maxWords);
      expect(citations.length).toBeGreaterThan(0);
    }
    const cut = answerFromPassages({ question, passages: hits, maxWords: 3 });
    expect(cut.text.endsWith('… [1]')).toBe(true);
  });

  it('falls back to the best passage when no sentence shares a term, and answers nothing without passages', () => {
    const bread = searchBm25({ index, query: 'sourdough' });
    const { text, citations } = answerFromPassages({ question: 'zebra?', passages: bread });
    expect(text).toBe('Sourdough bread needs flour, water and salt. Bake it hot. [1]');
    expect(citations.map((c) => c.contributionId)).toEqual(['103']);
    expect(answerFromPassages({ question, passages: [] })).toEqual({ text: '', citations: [] });
  });

  it('is deterministic', () => {
    const a = JSON.stringify(answerFromPassages({ question, passages: hits, maxWords: 40 }));
    expect(JSON.stringify(answerFromPassages({ question, passages: hits, maxWords: 40 }))).toBe(a);
  });

  it('refuses an empty question with a clear error (HTTP 400)', () => {
    for (const q of ['', '   ', '\n\t']) {
      expect(() => answerFromPassages({ question: q, passages: hits })).toThrow(EmptyQuestionError);
      expect(() => buildRagPrompt({ question: q, passages: hits })).toThrow(EmptyQuestionError);
    }
    try {
      answerFromPassages({ question: ' ', passages: hits });
    } catch (error) {
      expect(error).toMatchObject({
        status: 400,
        code: 'EMPTY_QUESTION',
        message: expect.stringContaining('empty'),
      });
    }
    expect(() => answerFromPassages({ question, passages: hits, maxWords: 0 })).toThrow(
      InvalidRetrievalInputError,
    );
    expect(() => answerFromPassages({ question, passages: [{ score: 1 }] as never })).toThrow(
      InvalidRetrievalInputError,
    );
  });
});

describe('buildRagPrompt', () => {
  it('numbers the sources, asks for citations and ends with the question', () => {
    const { messages, sources } = buildRagPrompt({ question: `  ${question} `, passages: hits });
    expect(messages[0]).toEqual({ role: 'system', content: ragSystemPrompt });
    expect(messages[0].content).toMatch(/\[1\]/);
    expect(messages[1].role).toBe('user');
    const user = messages[1].content;
    hits.forEach((h, i) => {
      expect(user).toContain(`[${i + 1}] ${h.passage.text}`);
    });
    expect(user.endsWith(`Question: ${question}`)).toBe(true);
    expect(sources.map((s) => [s.n, s.passageId, s.contributionId])).toEqual(
      hits.map((h, i) => [i + 1, h.passage.id, h.passage.contributionId]),
    );
    const none = buildRagPrompt({ question, passages: [] });
    expect(none.messages[1].content).toContain('(no source matched the question)');
    expect(none.sources).toEqual([]);
  });
});
