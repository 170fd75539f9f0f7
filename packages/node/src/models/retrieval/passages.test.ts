import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRetrievalInputError } from './errors.js';
import { countWords, type PassageDocument, splitPassages, splitSentences } from './passages.js';

const doc = (text: string, contributionId = '12'): PassageDocument => ({
  contributionId,
  contributor: '0xabc',
  datanetId: '3',
  text,
});

const words = (n: number, word = 'water') => Array.from({ length: n }, () => word).join(' ');

describe('splitPassages', () => {
  it('splits at paragraphs, with character ranges into the document and stable ids', () => {
    const text = `\n\n${words(40, 'alpha')}.\n\n  ${words(30, 'beta')}.  \r\n\r\n${words(35, 'gamma')}.\n`;
    const passages = splitPassages({ documents: [doc(text)] });
    expect(passages.map((p) => p.id)).toEqual(['12:0', '12:1', '12:2']);
    expect(passages.map((p) => p.words)).toEqual([40, 30, 35]);
    for (const p of passages) {
      expect(text.slice(p.charStart, p.charEnd)).toBe(p.text);
      expect(p.text).toBe(p.text.trim());
      expect(p).toMatchObject({ contributionId: '12', contributor: '0xabc', datanetId: '3', document: 0 });
    }
    expect(passages[1]!.text.startsWith('beta')).toBe(true);
  });

  it('merges tiny paragraphs: a heading with its text, a short last one with the one before', () => {
    const text = `Rivers\n\n${words(40)}.\n\n${words(40, 'stone')}.\n\nThanks.`;
    const passages = splitPassages({ documents: [doc(text)] });
    expect(passages).toHaveLength(2);
    expect(passages[0]!.text.startsWith('Rivers\n\nwater')).toBe(true);
    expect(passages[0]!.words).toBe(41);
    expect(passages[1]!.text.endsWith('stone.\n\nThanks.')).toBe(true);
    // Tiny paragraphs in a row merge until they reach minWords.
    const list = splitPassages({ documents: [doc('One two.\n\nThree four.\n\nFive six.')], minWords: 4 });
    expect(list.map((p) => p.text)).toEqual(['One two.\n\nThree four.\n\nFive six.']);
  });

  it('caps long paragraphs at maxWords on sentence boundaries', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} has exactly seven words.`);
    const text = sentences.join(' ');
    const passages = splitPassages({ documents: [doc(text)] });
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages) {
      expect(p.words).toBeLessThanOrEqual(120);
      expect(p.text.startsWith('Sentence number')).toBe(true);
      expect(p.text.endsWith('words.')).toBe(true);
    }
    expect(passages.map((p) => p.text).join(' ')).toBe(text);
    // One sentence longer than the cap is cut at word boundaries.
    const long = splitPassages({ documents: [doc(words(250))], maxWords: 100, minWords: 10 });
    expect(long.map((p) => p.words)).toEqual([100, 100, 50]);
  });

  it('counts ideographs as words, so text without spaces is capped too', () => {
    expect(countWords({ text: 'Rivers carry 日本語 text' })).toBe(6);
    const text = '川'.repeat(300);
    const passages = splitPassages({ documents: [doc(text)] });
    expect(passages.map((p) => p.text.length)).toEqual([120, 120, 60]);
  });

  it('numbers passages per contribution across its documents', () => {
    const passages = splitPassages({
      documents: [doc(words(30), '7'), doc(`${words(30)}.\n\n${words(30)}.`, '8'), doc(words(30), '7')],
    });
    expect(passages.map((p) => [p.id, p.document])).toEqual([
      ['7:0', 0],
      ['8:0', 1],
      ['8:1', 1],
      ['7:1', 2],
    ]);
  });

  it('covers every non-space character exactly once, in order, within the cap', () => {
    const pieces = [
      'The river',
      ' carries sediment.',
      ' Deltas grow!',
      '\n',
      '\n\n',
      ' 日本語。',
      '（注）',
      '、',
      'x',
      '  ',
      '\u00a0',
      '🐢',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 200 }).map((p) => p.join('')),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (text, maxWords, minWords) => {
          fc.pre(minWords <= maxWords);
          const passages = splitPassages({ documents: [doc(text)], maxWords, minWords });
          let at = 0;
          for (const p of passages) {
            expect(p.charStart).toBeGreaterThanOrEqual(at);
            expect(text.slice(at, p.charStart).trim()).toBe('');
            expect(text.slice(p.charStart, p.charEnd)).toBe(p.text);
            expect(p.words).toBe(countWords({ text: p.text }));
            expect(p.words).toBeLessThanOrEqual(maxWords);
            expect(p.words).toBeGreaterThan(0);
            at = p.charEnd;
          }
          expect(text.slice(at).trim()).toBe('');
        },
      ),
      { seed: 21, numRuns: 300 },
    );
  });

  it('is deterministic and refuses malformed input', () => {
    const documents = [doc(`${words(50)}. ${words(90)}.\n\nTail.`)];
    expect(JSON.stringify(splitPassages({ documents }))).toBe(JSON.stringify(splitPassages({ documents })));
    expect(() => splitPassages({ documents, maxWords: 0 })).toThrow(InvalidRetrievalInputError);
    expect(() => splitPassages({ documents, maxWords: 10, minWords: 11 })).toThrow(
      InvalidRetrievalInputError,
    );
    expect(() => splitPassages({ documents: [{ ...doc('x'), text: 5 as unknown as string }] })).toThrow(
      InvalidRetrievalInputError,
    );
  });
});

describe('splitSentences', () => {
  it('ends sentences at terminal punctuation followed by space, and at CJK full stops', () => {
    const text = 'Rivers carry sediment. Do deltas grow?  "Yes!" they said… 3.14 is pi. 日本語です。次の文';
    expect(splitSentences({ text }).map((r) => text.slice(r.start, r.end))).toEqual([
      'Rivers carry sediment.',
      'Do deltas grow?',
      '"Yes!"',
      'they said…',
      '3.14 is pi.',
      '日本語です。',
      '次の文',
    ]);
    expect(splitSentences({ text: '   ' })).toEqual([]);
  });
});
