/**
 * Non-negative integers stored in a fixed number of bits each (1..32), packed little-endian into
 * 32-bit words. A suffix array over n positions needs ⌈log2 n⌉ bits per entry: 27 bits at 100 M
 * tokens instead of 32.
 */
import { runSteps, type Steps } from './steps.js';

/** A fixed-width bit-packed array of non-negative integers (the suffix array's storage). */
export class PackedIntArray {
  /** The packed words (one spare word at the end, so a read never runs off the array). */
  readonly words: Uint32Array;
  /** Bits per value. */
  readonly bits: number;
  /** Number of values. */
  readonly length: number;
  private readonly mask: number;

  constructor(parameters: { words: Uint32Array; bits: number; length: number }) {
    const { words, bits, length } = parameters;
    if (!Number.isInteger(bits) || bits < 1 || bits > 32)
      throw new RangeError(`bits must be 1..32, got ${bits}`);
    if (words.length < packedWordCount(length, bits)) throw new RangeError('words too short for length');
    this.words = words;
    this.bits = bits;
    this.length = length;
    this.mask = bits === 32 ? -1 : (1 << bits) - 1;
  }

  /** The value at index i (0 ≤ i < length). */
  get(i: number): number {
    const bit = i * this.bits;
    const w = Math.floor(bit / 32);
    const o = bit - w * 32;
    let v = this.words[w]! >>> o;
    if (o + this.bits > 32) v |= this.words[w + 1]! << (32 - o);
    return (v & this.mask) >>> 0;
  }
}

/** Bits needed to store every value below `limit` (at least 1). */
export function bitsFor(limit: number): number {
  let bits = 1;
  while (bits < 32 && 2 ** bits < limit) bits++;
  return bits;
}

/** Words needed for `length` values of `bits` bits, plus one spare word. */
export function packedWordCount(length: number, bits: number): number {
  return Math.ceil((length * bits) / 32) + 1;
}

export type PackInPlaceParameters = {
  /** Values to pack (non-negative, below 2^bits); its buffer is reused for the packed words. */
  values: Int32Array;
  bits: number;
};

/**
 * Packs an `Int32Array` of non-negative values into its own buffer (no second copy: word w of the
 * output only depends on values ≤ w). Returns the packed array viewing that buffer.
 * @example
 * const packed = packInPlace({ values: Int32Array.of(5, 0, 3), bits: 3 }); packed.get(0); // 5
 */
export function packInPlace(parameters: PackInPlaceParameters): PackedIntArray {
  return runSteps(packInPlaceSteps(parameters));
}

/** {@link packInPlace} as steps of at most 2^20 values. */
export function* packInPlaceSteps(parameters: PackInPlaceParameters): Steps<PackedIntArray> {
  const { values, bits } = parameters;
  const length = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const wordCount = packedWordCount(length, bits);
  if (bits < 32) {
    let acc = 0;
    let accBits = 0;
    let w = 0;
    for (let from = 0; from < length; from += 1 << 20) {
      const to = Math.min(length, from + (1 << 20));
      for (let i = from; i < to; i++) {
        const v = values[i]! >>> 0;
        acc |= v << accBits;
        accBits += bits;
        if (accBits >= 32) {
          words[w++] = acc;
          accBits -= 32;
          acc = accBits === 0 ? 0 : v >>> (bits - accBits);
        }
      }
      yield;
    }
    if (accBits > 0) words[w++] = acc;
    words.fill(0, w, Math.min(words.length, wordCount));
  }
  if (wordCount <= words.length) {
    return new PackedIntArray({ words: words.subarray(0, wordCount), bits, length });
  }
  // Only for tiny arrays (the spare word does not fit): copy.
  const copy = new Uint32Array(wordCount);
  copy.set(words.subarray(0, Math.min(words.length, wordCount)));
  return new PackedIntArray({ words: copy, bits, length });
}
