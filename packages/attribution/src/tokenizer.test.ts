import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTokens, tokenize, unfinishedCharacterBytes } from './tokenizer.js';

const tricky = [
  'Hello wörld 👍🏽 e\u0301 naïve 日本語テキスト',
  '🇫🇷🇩🇪 flags and 👨‍👩‍👧‍👦 family',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗ combining marks',
  'special <|endoftext|> strings <|fim_prefix|>',
  'a\ud800b lone surrogate',
  '\n\n\t  spaced   out  \r\n',
];

function expectValidOffsets(text: string): void {
  const { ids, charStarts, charEnds } = tokenize({ text });
  let covered = 0;
  for (let i = 0; i < ids.length; i++) {
    const start = charStarts[i]!;
    const end = charEnds[i]!;
    expect(start).toBeLessThan(end);
    expect(end).toBeLessThanOrEqual(text.length);
    // Never split a surrogate pair.
    for (const at of [start, end]) {
      if (at > 0 && at < text.length) {
        const before = text.charCodeAt(at - 1);
        const after = text.charCodeAt(at);
        expect(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff).toBe(false);
      }
    }
    // Tokens are in order and leave no gap.
    expect(start).toBeLessThanOrEqual(covered);
    covered = Math.max(covered, end);
  }
  expect(covered).toBe(text.length);
}

describe('tokenize', () => {
  it('gives valid character ranges for emoji, combining marks and CJK', () => {
    for (const text of tricky) expectValidOffsets(text);
  });

  it('gives valid character ranges for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => expectValidOffsets(text)),
      { seed: 3, numRuns: 300 },
    );
  });

  it('tokenizes special-token strings as plain text', () => {
    const { ids } = tokenize({ text: '<|endoftext|>' });
    expect(ids.length).toBeGreaterThan(1);
    expect(decodeTokens({ ids }).text).toBe('<|endoftext|>');
  });

  it('decodes back to the text', () => {
    for (const text of tricky) {
      expect(decodeTokens({ ids: tokenize({ text }).ids }).text).toBe(text.replace(/\ud800/g, '\ufffd'));
    }
  });

  it('gives decoded tokens the character ranges tokenize gave them', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...tricky), fc.string({ unit: 'grapheme', maxLength: 40 })),
        (text) => {
          fc.pre(!/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
          const tokenized = tokenize({ text });
          const decoded = decodeTokens({ ids: tokenized.ids });
          expect(decoded.text).toBe(text);
          expect(decoded.charStarts).toEqual(tokenized.charStarts);
          expect(decoded.charEnds).toEqual(tokenized.charEnds);
        },
      ),
      { seed: 4, numRuns: 200 },
    );
  });

  it('counts the bytes of an unfinished last character', () => {
    const bytes = new TextEncoder().encode('a🐢');
    expect(unfinishedCharacterBytes(bytes)).toBe(0);
    expect(unfinishedCharacterBytes(bytes.subarray(0, 4))).toBe(3);
    expect(unfinishedCharacterBytes(bytes.subarray(0, 2))).toBe(1);
    expect(unfinishedCharacterBytes(bytes.subarray(0, 1))).toBe(0);
    expect(unfinishedCharacterBytes(new Uint8Array(0))).toBe(0);
  });

  it('decodes ids outside the encoding to nothing', () => {
    const { ids } = tokenize({ text: 'ok' });
    expect(decodeTokens({ ids: [...ids, 4_000_000_000] }).text).toBe('ok');
  });

  it('drops characters cut at the edges of a decoded window', () => {
    const { ids } = tokenize({ text: '🇫🇷🇩🇪 flags' });
    const inner = decodeTokens({ ids: ids.subarray(1, ids.length - 1) });
    expect(inner.text).not.toContain('\ufffd');
    expect('🇫🇷🇩🇪 flags').toContain(inner.text);
  });
});
