import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import { createRandom, fromState } from './random.js';

describe('createRandom', () => {
  it('matches the reference xoshiro128** and SplitMix64 (C) outputs', () => {
    const plain = fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => plain.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
    const seeded = createRandom({ seed: 42 });
    expect(Array.from({ length: 6 }, () => seeded.nextUint32())).toEqual([
      1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222,
    ]);
    const top = createRandom({ seed: (1n << 64n) - 1n });
    expect(Array.from({ length: 4 }, () => top.nextUint32())).toEqual([
      477689756, 2493998634, 555695776, 607808419,
    ]);
  });

  it('gives the same stream for the same seed and another for another seed', () => {
    const a = createRandom({ seed: 7 });
    const b = createRandom({ seed: 7n });
    const c = createRandom({ seed: 8 });
    const xs = Array.from({ length: 50 }, () => a.nextDouble());
    expect(Array.from({ length: 50 }, () => b.nextDouble())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.nextDouble())).not.toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('draws integers below the bound, roughly uniformly', () => {
    const random = createRandom({ seed: 1 });
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[random.nextInt(10)]!++;
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('refuses seeds that are not integers in [0, 2^64)', () => {
    for (const seed of [-1, 1.5, Number.NaN, 2 ** 60, -1n, 1n << 64n]) {
      expect(() => createRandom({ seed })).toThrow(InvalidInputError);
    }
  });
});
