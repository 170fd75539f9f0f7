import { InvalidContributionIdError } from './errors.js';

/**
 * A contribution id: an on-chain uint256 written as a canonical decimal string (no sign, no leading
 * zeros, at most 78 digits, at most 2^256 - 1). Decimal strings survive JSON and compare in
 * numeric order with {@link compareContributionIds}.
 */
export type ContributionId = string;

const maxUint256 = (1n << 256n) - 1n;
const canonicalDecimal = /^(0|[1-9][0-9]{0,77})$/;

export type NormalizeContributionIdParameters = {
  /** A uint256 as a bigint, a safe non-negative integer, or a canonical decimal string. */
  value: unknown;
};

/**
 * Checks a contribution id and returns it as a canonical decimal string.
 * @example
 * normalizeContributionId({ value: 42n }); // '42'
 */
export function normalizeContributionId(parameters: NormalizeContributionIdParameters): ContributionId {
  const { value } = parameters;
  if (typeof value === 'bigint') {
    if (value < 0n || value > maxUint256) throw new InvalidContributionIdError(value);
    return value.toString(10);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidContributionIdError(value);
    return String(value);
  }
  if (typeof value === 'string' && canonicalDecimal.test(value) && BigInt(value) <= maxUint256) return value;
  throw new InvalidContributionIdError(value);
}

/**
 * Orders canonical decimal contribution ids numerically (shorter first, then by digits): the fixed
 * tie order of attribution weights.
 * @example
 * ['10', '9'].sort(compareContributionIds); // ['9', '10']
 */
export function compareContributionIds(a: ContributionId, b: ContributionId): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Contribution ids in numeric order (for manifests, roots and tie-breaking). */
export function sortContributionIds(ids: Iterable<ContributionId>): ContributionId[] {
  return [...ids].sort(compareContributionIds);
}
