import fc from 'fast-check';
import { createPublicClient, http, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largestRemainder, splitFee } from './feeSplit.js';
import { rewardDistributorAbi } from './generated/contracts.js';
import { startTestChain, type TestChain } from './testing.js';

describe('fee split math', () => {
  it('splits the documented example', () => {
    expect(
      splitFee({
        fee: 100n,
        protocolFeeBps: 500,
        split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
      }),
    ).toEqual({ protocol: 5n, compute: 19n, developer: 29n, data: 47n });
    expect(largestRemainder({ amount: 2n, weights: [1n, 1n, 1n] })).toEqual([1n, 1n, 0n]);
  });

  it('rejects splits that do not sum to 10,000 and zero weights', () => {
    expect(() =>
      splitFee({ fee: 1n, protocolFeeBps: 0, split: { computeBps: 1, developerBps: 1, dataBps: 1 } }),
    ).toThrow(/summing to 10000/);
    expect(() => largestRemainder({ amount: 1n, weights: [0n, 0n] })).toThrow(/sum to zero/);
  });

  it('refuses negative amounts and weights and out-of-range rates, and breaks ties to the lower index', () => {
    expect(() => largestRemainder({ amount: -1n, weights: [1n] })).toThrow('amount must be >= 0, got -1');
    expect(() => largestRemainder({ amount: 1n, weights: [2n, -1n] })).toThrow(
      'weights must be >= 0, got -1',
    );
    const split = { computeBps: 2000, developerBps: 3000, dataBps: 5000 };
    for (const bps of [-1, 10_001, 1.5])
      expect(() => splitFee({ fee: 1n, protocolFeeBps: bps, split })).toThrow(
        `protocolFeeBps must be an integer in [0, 10000], got ${bps}`,
      );
    expect(() =>
      splitFee({ fee: 1n, protocolFeeBps: 0, split: { ...split, computeBps: 1999.5, dataBps: 5000.5 } }),
    ).toThrow(/summing to 10000, got 1999.5 \+ 3000 \+ 5000.5 = 10000/);
    expect(() =>
      splitFee({ fee: 1n, protocolFeeBps: 0, split: { ...split, computeBps: -1, dataBps: 7001 } }),
    ).toThrow(/summing to 10000/);
    expect(splitFee({ fee: 0n, protocolFeeBps: 10_000, split })).toEqual({
      protocol: 0n,
      compute: 0n,
      developer: 0n,
      data: 0n,
    });
    expect(splitFee({ fee: 7n, protocolFeeBps: 10_000, split })).toEqual({
      protocol: 7n,
      compute: 0n,
      developer: 0n,
      data: 0n,
    });
    // Equal remainders: the lower index first; a larger remainder first whatever its index.
    expect(largestRemainder({ amount: 1n, weights: [1n, 1n] })).toEqual([1n, 0n]);
    expect(largestRemainder({ amount: 1n, weights: [1n, 2n] })).toEqual([0n, 1n]);
    expect(largestRemainder({ amount: 5n, weights: [0n, 3n, 3n, 0n] })).toEqual([0n, 3n, 2n, 0n]);
    expect(largestRemainder({ amount: 0n, weights: [1n, 1n] })).toEqual([0n, 0n]);
    // The protocol share of a receipt depends on the fees before it (cumulative rounding).
    expect(splitFee({ fee: 10n, feeBefore: 10n, protocolFeeBps: 500, split }).protocol).toBe(1n);
    expect(splitFee({ fee: 10n, feeBefore: 0n, protocolFeeBps: 500, split }).protocol).toBe(0n);
  });

  it("gives an epoch's receipts protocol shares that add up to the epoch's exact share (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 24n }), { maxLength: 50 }),
        fc.integer({ min: 0, max: 10_000 }),
        (fees, bps) => {
          let before = 0n;
          let protocol = 0n;
          for (const fee of fees) {
            protocol += splitFee({
              fee,
              feeBefore: before,
              protocolFeeBps: bps,
              split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
            }).protocol;
            before += fee;
          }
          expect(protocol).toBe((before * BigInt(bps)) / 10_000n);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('always sums exactly to the amount (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
        fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 40 }),
        (amount, weights) => {
          fc.pre(weights.some((w) => w > 0n));
          const parts = largestRemainder({ amount, weights });
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(amount);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('fee split math equals the contract', () => {
  let chain: TestChain;
  let client: PublicClient;
  beforeAll(async () => {
    chain = await startTestChain();
    client = createPublicClient({ transport: http(chain.anvil.rpcUrl) });
  });
  afterAll(() => chain?.stop());

  it('splitFee matches RewardDistributor.splitFee on random inputs', async () => {
    const inputs = fc.sample(
      fc.record({
        fee: fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
        feeBefore: fc.bigInt({ min: 0n, max: 2n ** 120n }),
        protocolFeeBps: fc.integer({ min: 0, max: 10_000 }),
        compute: fc.integer({ min: 0, max: 10_000 }),
        developerFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { seed: 11, numRuns: 200 },
    );
    for (const input of inputs) {
      const developerBps = Math.floor((10_000 - input.compute) * input.developerFraction);
      const split = {
        computeBps: input.compute,
        developerBps,
        dataBps: 10_000 - input.compute - developerBps,
      };
      const ours = splitFee({
        fee: input.fee,
        feeBefore: input.feeBefore,
        protocolFeeBps: input.protocolFeeBps,
        split,
      });
      const theirs = await client.readContract({
        address: chain.addresses.rewardDistributor,
        abi: rewardDistributorAbi,
        functionName: 'splitFee',
        args: [
          input.fee,
          input.feeBefore,
          input.protocolFeeBps,
          split.computeBps,
          split.developerBps,
          split.dataBps,
        ],
      });
      expect([ours.protocol, ours.compute, ours.developer, ours.data]).toEqual([...theirs]);
    }
  });

  it('largestRemainder matches RewardDistributor.splitByWeights on random inputs', async () => {
    const inputs = fc.sample(
      fc.record({
        amount: fc.bigInt({ min: 0n, max: 2n ** 100n }),
        weights: fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 24 }),
      }),
      { seed: 13, numRuns: 200 },
    );
    for (const { amount, weights } of inputs) {
      if (!weights.some((w) => w > 0n)) continue;
      const theirs = await client.readContract({
        address: chain.addresses.rewardDistributor,
        abi: rewardDistributorAbi,
        functionName: 'splitByWeights',
        args: [amount, weights],
      });
      expect(largestRemainder({ amount, weights })).toEqual([...theirs]);
    }
  });
});
