/**
 * A small seeded pseudo-random generator for reproducible sampling: xoshiro128** (Blackman and
 * Vigna) with its 128-bit state filled by SplitMix64 from a 64-bit seed. Integer arithmetic only,
 * so the same seed gives the same sequence on every machine and Node version.
 */
import { InvalidInputError } from './errors.js';

const mask64 = (1n << 64n) - 1n;

export type CreateRandomParameters = {
  /** A seed in [0, 2^64): a safe non-negative integer or a bigint. */
  seed: number | bigint;
};

/** A stream of pseudo-random numbers. */
export type Random = {
  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number;
  /** A double uniform in [0, 1) with 53 random bits. */
  nextDouble(): number;
  /** An integer in [0, bound) for a positive safe integer bound: ⌊nextDouble() · bound⌋ (bias ≤ bound / 2^53). */
  nextInt(bound: number): number;
};

/**
 * Creates a seeded generator (xoshiro128**, seeded by SplitMix64).
 * @example
 * const random = createRandom({ seed: 42 });
 * random.nextDouble(); // the same value for seed 42 everywhere
 */
export function createRandom(parameters: CreateRandomParameters): Random {
  const seed = parameters.seed;
  let value: bigint;
  if (typeof seed === 'bigint') value = seed;
  else if (typeof seed === 'number' && Number.isSafeInteger(seed)) value = BigInt(seed);
  else throw new InvalidInputError('seed must be a non-negative integer');
  if (value < 0n || value > mask64) throw new InvalidInputError('seed must be in [0, 2^64)');
  // SplitMix64 fills the state; its outputs are never all zero for two consecutive draws.
  let sm = value;
  const splitMix64 = (): bigint => {
    sm = (sm + 0x9e3779b97f4a7c15n) & mask64;
    let z = sm;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask64;
    return z ^ (z >> 31n);
  };
  const a = splitMix64();
  const b = splitMix64();
  return fromState([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
}

/** xoshiro128** over an explicit state (four uint32 words, not all zero). */
export function fromState(state: readonly [number, number, number, number]): Random {
  let s0 = state[0] >>> 0;
  let s1 = state[1] >>> 0;
  let s2 = state[2] >>> 0;
  let s3 = state[3] >>> 0;
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  const nextDouble = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  };
  const nextInt = (bound: number): number => {
    if (!Number.isSafeInteger(bound) || bound <= 0)
      throw new InvalidInputError('bound must be a positive integer');
    return Math.floor(nextDouble() * bound);
  };
  return { nextUint32, nextDouble, nextInt };
}
