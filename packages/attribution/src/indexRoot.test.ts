import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeIndexRoot } from './indexRoot.js';
import { tokenizerName } from './tokenizerName.js';

describe('computeIndexRoot', () => {
  it('is the SHA-256 of the documented text: header, sorted segment checksums, tombstones in numeric order', () => {
    // Written out as an outside verifier would, from the format in the doc comment.
    const text = [
      'tributary-attribution-index/v1',
      'tokenizer o200k_base+tributary-text-1',
      `segment ${'0a'.repeat(32)}`,
      `segment ${'b1'.repeat(32)}`,
      'tombstone 9',
      'tombstone 10',
      '',
    ].join('\n');
    const expected = `0x${createHash('sha256').update(text).digest('hex')}`;
    expect(tokenizerName).toBe('o200k_base+tributary-text-1');
    expect(
      computeIndexRoot({ segmentChecksums: ['b1'.repeat(32), '0a'.repeat(32)], tombstones: ['10', '9'] }),
    ).toBe(expected);
  });

  it('is the hash of the header alone for an empty index', () => {
    const header = 'tributary-attribution-index/v1\ntokenizer o200k_base+tributary-text-1\n';
    expect(computeIndexRoot({ segmentChecksums: [], tombstones: [] })).toBe(
      `0x${createHash('sha256').update(header).digest('hex')}`,
    );
  });
});
