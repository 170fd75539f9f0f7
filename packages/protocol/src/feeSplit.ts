/**
 * The protocol's split math, identical to contracts/src/rewards/FeeSplit.sol. Receipts of a node's
 * epoch are split in order: a fee that follows `feeBefore` of earlier fees in the epoch gives the
 * protocol floor((feeBefore + fee) × bps / 10,000) − floor(feeBefore × bps / 10,000), so an epoch's
 * protocol shares add up to exactly floor(total × bps / 10,000), which the contract checks. The
 * rest is divided among compute, developer and data by largest remainder (ties to the lower
 * index), so every split sums exactly to the fee.
 */

/** Basis points in a whole. */
export const BPS = 10_000n;

/** A model's split of the fee after the protocol's share; the three sum to 10,000. */
export type Split = { computeBps: number; developerBps: number; dataBps: number };

export type LargestRemainderParameters = {
  /** What to divide, in token base units. */
  amount: bigint;
  /** Non-negative weights, in the fixed order that breaks ties (e.g. by contribution id). */
  weights: readonly bigint[];
};

/**
 * Divides `amount` in proportion to `weights`: each part rounded down, then the units left over
 * go one each to the parts with the largest remainders, ties to the lower index.
 *
 * @example
 * largestRemainder({ amount: 10n, weights: [1n, 2n] }) // [3n, 7n]
 */
export function largestRemainder({ amount, weights }: LargestRemainderParameters): bigint[] {
  if (amount < 0n) throw new RangeError(`largestRemainder: amount must be >= 0, got ${amount}`);
  let total = 0n;
  for (const weight of weights) {
    if (weight < 0n) throw new RangeError(`largestRemainder: weights must be >= 0, got ${weight}`);
    total += weight;
  }
  if (total === 0n) throw new RangeError('largestRemainder: weights sum to zero');
  const parts = weights.map((weight) => (amount * weight) / total);
  const remainders = weights.map((weight) => (amount * weight) % total);
  let left = amount - parts.reduce((sum, part) => sum + part, 0n);
  const order = weights
    .map((_, index) => index)
    .sort((a, b) => (remainders[a]! === remainders[b]! ? a - b : remainders[a]! > remainders[b]! ? -1 : 1));
  for (const index of order) {
    if (left === 0n) break;
    parts[index]! += 1n;
    left -= 1n;
  }
  return parts;
}

export type SplitFeeParameters = {
  fee: bigint;
  /** Fees of the node's earlier receipts in the same epoch (0 for the first). */
  feeBefore?: bigint;
  protocolFeeBps: number;
  split: Split;
};

/** The protocol's share of `total` fees at `protocolFeeBps`: rounded down. */
export const protocolShare = (total: bigint, protocolFeeBps: number) =>
  (total * BigInt(protocolFeeBps)) / BPS;
export type SplitFeeReturnType = { protocol: bigint; compute: bigint; developer: bigint; data: bigint };

/**
 * Splits a call's fee into protocol, compute, developer and data shares.
 *
 * @example
 * splitFee({ fee: 100n, protocolFeeBps: 500, split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 } })
 * // { protocol: 5n, compute: 19n, developer: 29n, data: 47n }
 */
export function splitFee({
  fee,
  feeBefore = 0n,
  protocolFeeBps,
  split,
}: SplitFeeParameters): SplitFeeReturnType {
  checkSplit(split);
  if (!Number.isInteger(protocolFeeBps) || protocolFeeBps < 0 || protocolFeeBps > 10_000) {
    throw new RangeError(`splitFee: protocolFeeBps must be an integer in [0, 10000], got ${protocolFeeBps}`);
  }
  const protocol = protocolShare(feeBefore + fee, protocolFeeBps) - protocolShare(feeBefore, protocolFeeBps);
  const [compute, developer, data] = largestRemainder({
    amount: fee - protocol,
    weights: [BigInt(split.computeBps), BigInt(split.developerBps), BigInt(split.dataBps)],
  }) as [bigint, bigint, bigint];
  return { protocol, compute, developer, data };
}

/** Throws a RangeError unless the split's parts are integers summing to 10,000. */
export function checkSplit(split: Split): void {
  const parts = [split.computeBps, split.developerBps, split.dataBps];
  const sum = parts.reduce((a, b) => a + b, 0);
  if (parts.some((p) => !Number.isInteger(p) || p < 0) || sum !== 10_000) {
    throw new RangeError(
      `split must be three non-negative integers summing to 10000, got ${parts.join(' + ')} = ${sum}`,
    );
  }
}
