import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareContributionIds, normalizeContributionId, sortContributionIds } from './contributionId.js';
import { InvalidContributionIdError } from './errors.js';

const max = (1n << 256n) - 1n;
const normalize = (value: unknown) => normalizeContributionId({ value });

describe('contribution ids', () => {
  it('accepts every uint256 as a bigint, a safe integer or a canonical decimal string', () => {
    expect(normalize(0n)).toBe('0');
    expect(normalize(max)).toBe(max.toString());
    expect(normalize(0)).toBe('0');
    expect(normalize(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(normalize('0')).toBe('0');
    expect(normalize('42')).toBe('42');
    expect(normalize(max.toString())).toBe(max.toString());
  });

  it('refuses what is not a uint256, naming the value', () => {
    for (const bad of [
      -1n,
      max + 1n,
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 1,
      Number.NaN,
      '',
      '-1',
      '007',
      '1e3',
      ' 1',
      (max + 1n).toString(),
      null,
      {},
    ]) {
      expect(() => normalize(bad), String(bad)).toThrow(InvalidContributionIdError);
    }
  });

  it('orders ids numerically, equal ids as equal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max }), (a, b) => {
        const expected = a < b ? -1 : a > b ? 1 : 0;
        expect(Math.sign(compareContributionIds(a.toString(), b.toString()))).toBe(expected);
        expect(compareContributionIds(a.toString(), a.toString())).toBe(0);
      }),
      { seed: 2, numRuns: 300 },
    );
    expect(sortContributionIds(['10', '9', '100', '9', '0'])).toEqual(['0', '9', '9', '10', '100']);
  });
});
