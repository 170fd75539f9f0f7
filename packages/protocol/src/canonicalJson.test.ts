import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined fields and writes bigints as decimal strings', () => {
    expect(canonicalJson({ b: 1, a: [2n, 'x', { z: null, y: undefined, x: true }], c: undefined })).toBe(
      '{"a":["2","x",{"x":true,"z":null}],"b":1}',
    );
    // Insertion order does not matter; key order is by code unit, upper case first.
    expect(canonicalJson({ b: { d: 1, c: 2 }, B: 0, a: 'é' })).toBe(
      canonicalJson({ a: 'é', B: 0, b: { c: 2, d: 1 } }),
    );
    expect(canonicalJson({ b: 0, B: 1, a: 2 })).toBe('{"B":1,"a":2,"b":0}');
  });

  it('writes scalars as JSON and refuses numbers JSON cannot hold', () => {
    expect([canonicalJson('a"b'), canonicalJson(0), canonicalJson(false), canonicalJson(null)]).toEqual([
      '"a\\"b"',
      '0',
      'false',
      'null',
    ]);
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(() => canonicalJson({ x: bad })).toThrow(`canonicalJson: ${bad} is not JSON`);
  });
});
