import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizedText, normalizeText } from './normalizeText.js';
import { indexTokenIds, indexTokenize } from './tokenizer.js';

/** Characters the rules treat specially, mixed with ordinary ones. */
const tricky = [
  'a',
  'B',
  'é',
  'e\u0301',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '\u00a0',
  '\u3000',
  '\u2028',
  '-',
  '--',
  '\u2013',
  '\u2014',
  '\u2212',
  '\u2018',
  '\u2019',
  '\u201c',
  '\u201d',
  "'",
  '"',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\ufb01',
  '\uff21',
  '\u2026',
  '\u00a8',
  '\u1100\u1161',
  '\uff76\uff9e',
  '\u0301',
  '🦩',
  '\ud835\udd18',
  '\ud800',
  '.',
  'x',
];
const trickyText = fc.array(fc.constantFrom(...tricky), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  trickyText,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);
const runs = { seed: 11, numRuns: 400 };

describe('normalizeText', () => {
  it('folds whitespace runs, compatibility forms, quotes and dashes', () => {
    expect(normalizedText('It\u2019s  free\n   software \u2014 \u201cGNU\u201d')).toBe(
      `It's free software - "GNU"`,
    );
    expect(normalizedText('\ufb01le\u00a0\u2026 \uff21 e\u0301 -- x\u00ad\u200by')).toBe(
      'file ... A \u00e9 - xy',
    );
    expect(normalizedText('a \u200b\n b')).toBe('a b');
    expect(normalizeText({ text: 'a \n\tb' })).toEqual({
      text: 'a b',
      sourceStarts: Uint32Array.of(0, 1, 4),
      sourceEnds: Uint32Array.of(1, 4, 5),
    });
  });

  it('gives the same text with and without offsets (the ASCII fast path included)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(normalizedText(text)).toBe(normalizeText({ text }).text);
      }),
      runs,
    );
  });

  it('maps every normalized character to an ordered, non-empty range of the original', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { text: out, sourceStarts, sourceEnds } = normalizeText({ text });
        expect(sourceStarts.length).toBe(out.length);
        expect(sourceEnds.length).toBe(out.length);
        for (let j = 0; j < out.length; j++) {
          expect(sourceStarts[j]!).toBeLessThan(sourceEnds[j]!);
          expect(sourceEnds[j]!).toBeLessThanOrEqual(text.length);
          if (j > 0) {
            expect(sourceStarts[j]!).toBeGreaterThanOrEqual(sourceStarts[j - 1]!);
            expect(sourceEnds[j]!).toBeGreaterThanOrEqual(sourceEnds[j - 1]!);
          }
        }
      }),
      runs,
    );
  });

  it('covers the original: only dropped characters lie between consecutive ranges', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { text: out, sourceStarts, sourceEnds } = normalizeText({ text });
        const gaps = [text.slice(0, out.length > 0 ? sourceStarts[0]! : text.length)];
        for (let j = 0; j + 1 < out.length; j++) {
          if (sourceEnds[j]! <= sourceStarts[j + 1]!)
            gaps.push(text.slice(sourceEnds[j]!, sourceStarts[j + 1]!));
        }
        if (out.length > 0) gaps.push(text.slice(sourceEnds[out.length - 1]!));
        for (const gap of gaps) expect(normalizedText(gap)).toBe('');
      }),
      runs,
    );
  });

  it('maps ranges back: the original range of normalized [j, k] normalizes to a text holding it', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), fc.nat(), (text, a, b) => {
        const { text: out, sourceStarts, sourceEnds } = normalizeText({ text });
        if (out.length === 0) return;
        const j = a % out.length;
        const k = j + (b % (out.length - j));
        const original = text.slice(sourceStarts[j]!, sourceEnds[k]!);
        expect(normalizedText(original)).toContain(out.slice(j, k + 1));
      }),
      runs,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normalizedText(text);
        expect(normalizedText(once)).toBe(once);
      }),
      runs,
    );
  });

  it('gives one token stream however a passage is wrapped, indented or typeset', () => {
    const word = fc.stringMatching(/^[A-Za-z]{1,9}[.,;]?$/);
    const gap = fc.constantFrom(' ', '\n', '  ', '\n    ', '\t', '\r\n', '\u00a0', ' \n\n ', '\u3000');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, gap), { minLength: 1, maxLength: 30 }), (pairs) => {
        const plain = pairs.map(([w]) => w).join(' ');
        const wrapped = pairs.map(([w, g], k) => (k === 0 ? w : g + w)).join('');
        expect(Array.from(indexTokenIds({ text: wrapped }))).toEqual(
          Array.from(indexTokenIds({ text: plain })),
        );
        const quoted = `\u201c${plain}\u201d \u2014 it\u2019s`;
        expect(Array.from(indexTokenIds({ text: quoted }))).toEqual(
          Array.from(indexTokenIds({ text: `"${plain}" -- it's` })),
        );
      }),
      runs,
    );
  });

  it('gives token ranges in the original text, covering it in order', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { ids, charStarts, charEnds } = indexTokenize({ text });
        expect(Array.from(ids)).toEqual(Array.from(indexTokenIds({ text })));
        for (let i = 0; i < ids.length; i++) {
          expect(charStarts[i]!).toBeLessThan(charEnds[i]!);
          expect(charEnds[i]!).toBeLessThanOrEqual(text.length);
          if (i > 0) expect(charStarts[i]!).toBeGreaterThanOrEqual(charStarts[i - 1]!);
        }
      }),
      runs,
    );
    const text = 'the  GNU\n   General\u00a0Public';
    const { charStarts, charEnds } = indexTokenize({ text });
    expect(Array.from(charStarts, (s, i) => text.slice(s, charEnds[i]))).toEqual([
      'the',
      '  GNU',
      '\n   General',
      '\u00a0Public',
    ]);
  });
});
