import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsFor, packInPlace } from './packedIntArray.js';

describe('packInPlace', () => {
  it('stores every value in bitsFor(limit) bits and reads it back', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 31 })
          .chain((bits) =>
            fc.tuple(
              fc.constant(bits),
              fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { maxLength: 300 }),
            ),
          ),
        ([bits, values]) => {
          const packed = packInPlace({ values: Int32Array.from(values), bits });
          expect(Array.from(values, (_, i) => packed.get(i))).toEqual(values);
          expect(packed.words.length).toBe(Math.ceil((values.length * bits) / 32) + 1);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('chooses the smallest width that holds positions below the limit', () => {
    expect(bitsFor(1)).toBe(1);
    expect(bitsFor(2)).toBe(1);
    expect(bitsFor(3)).toBe(2);
    expect(bitsFor(100_000_000)).toBe(27);
  });
});
