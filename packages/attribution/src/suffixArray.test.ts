import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSuffixArray,
  buildSuffixArrayAsync,
  buildSuffixArrayByComparisonSort,
  createBuildArena,
} from './suffixArray.js';
import { seededRandom } from './testHelpers.js';

const params = { seed: 20_260_101, numRuns: 300 };

/** Texts that stress SA-IS: random, runs of one symbol, periodic, repeated blocks, separators. */
const adversarialText = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 200 }),
  fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 200 }),
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 300 }))
    .map(([c, n]) => Array(n).fill(c)),
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: 1, max: 60 }),
    )
    .map(([period, times]) =>
      Array.from({ length: period.length * times }, (_, i) => period[i % period.length]!),
    ),
  // A random block repeated (long common prefixes).
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 20, maxLength: 120 }),
      fc.integer({ min: 2, max: 4 }),
    )
    .map(([block, times]) => [...Array(times)].flatMap(() => [...block, 0])),
  // A block and a copy with a different ending: most names are distinct but the reduced suffixes
  // share long prefixes, so sorting them by doubling gives up and falls back to recursion.
  fc
    .array(fc.integer({ min: 1, max: 6 }), { minLength: 100, maxLength: 400 })
    .map((block) => [...block, 0, ...block.slice(0, -4), 9, 9, 9, 9, 0]),
);

/**
 * Builds with the TypeScript kernels, in a WebAssembly arena, and in an arena with almost no spare
 * room (reduced problems then use one bucket array, or plain arrays and the TypeScript kernels),
 * and compares each with comparison sorting.
 */
function expectSorted(tokens: Uint16Array | Uint32Array, alphabetSize: number): void {
  const expected = Array.from(buildSuffixArrayByComparisonSort({ tokens }));
  expect(Array.from(buildSuffixArray({ tokens, alphabetSize }))).toEqual(expected);
  for (const spareBytes of [undefined, 64]) {
    const tokenWidth = tokens.BYTES_PER_ELEMENT as 2 | 4;
    const arena = createBuildArena({ length: tokens.length, tokenWidth, alphabetSize, spareBytes })!;
    arena.tokens.set(tokens);
    const sa = buildSuffixArray({ tokens: arena.tokens, alphabetSize, arena });
    expect(sa.buffer).toBe(arena.tokens.buffer);
    expect(Array.from(sa)).toEqual(expected);
  }
}

describe('buildSuffixArray', () => {
  it('sorts the suffixes of a small example', () => {
    // banana → a(5) ana(3) anana(1) banana(0) na(4) nana(2)
    const tokens = Uint16Array.from('banana', (c) => c.charCodeAt(0));
    expect(Array.from(buildSuffixArray({ tokens, alphabetSize: 128 }))).toEqual([5, 3, 1, 0, 4, 2]);
  });

  it('handles empty and one-symbol texts', () => {
    expect(Array.from(buildSuffixArray({ tokens: new Uint16Array(0), alphabetSize: 1 }))).toEqual([]);
    expect(Array.from(buildSuffixArray({ tokens: Uint16Array.of(7), alphabetSize: 8 }))).toEqual([0]);
  });

  it('equals comparison sorting on adversarial 2-byte texts', () => {
    fc.assert(
      fc.property(adversarialText, (symbols) => {
        expectSorted(Uint16Array.from(symbols), 41);
      }),
      params,
    );
  });

  it('equals comparison sorting on 4-byte alphabets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 300 }),
        adversarialText,
        (wide, small) => {
          // Mix symbols above 65,535 with repetitive structure.
          const tokens = Uint32Array.from([...wide, ...small.map((s) => 100_000 + s), ...wide]);
          expectSorted(tokens, 200_001);
        },
      ),
      { ...params, numRuns: 60 },
    );
  });

  it('sorts larger texts (reduced problems solved by doubling and by recursion)', () => {
    const random = seededRandom(7);
    const zipfish = Uint16Array.from({ length: 20_000 }, () => Math.floor(1 / (random() + 0.002)) % 500);
    const block = Array.from({ length: 3_000 }, () => Math.floor(random() * 50));
    const repeated = Uint16Array.from([...block, ...block, 7, ...block.slice(100, 2_000)]);
    const copyWithNewEnding = Uint16Array.from([...block, 0, ...block.slice(0, -4), 99, 99, 99, 99, 0]);
    for (const tokens of [zipfish, repeated, copyWithNewEnding]) expectSorted(tokens, 500);
  });

  it('gives the same result when built asynchronously in slices', async () => {
    const tokens = Uint16Array.from({ length: 50_000 }, (_, i) => ((i * 7919) % 97) + (i % 13 === 0 ? 0 : 1));
    const sync = buildSuffixArray({ tokens, alphabetSize: 98 });
    const sliced = await buildSuffixArrayAsync({ tokens, alphabetSize: 98, sliceMs: 0 });
    expect(sliced).toEqual(sync);
  });

  it('copies a text of a million tokens or more into WebAssembly, with the same result', () => {
    const random = seededRandom(3);
    const tokens = Uint16Array.from({ length: 1 << 20 }, () => Math.floor(1 / (random() + 0.001)) % 3000);
    const sa = buildSuffixArray({ tokens, alphabetSize: 3000 });
    expect(sa.buffer).not.toBe(tokens.buffer);
    // The TypeScript kernels on plain arrays (a text just under the threshold, then the whole one
    // through the steps a merge runs) give the same array.
    const short = tokens.subarray(0, (1 << 20) - 1);
    const arena = createBuildArena({ length: short.length, tokenWidth: 2, alphabetSize: 3000 })!;
    arena.tokens.set(short);
    const script = buildSuffixArray({ tokens: short, alphabetSize: 3000 });
    const wasm = buildSuffixArray({ tokens: arena.tokens, alphabetSize: 3000, arena });
    expect(
      Buffer.from(script.buffer).equals(Buffer.from(wasm.buffer, wasm.byteOffset, wasm.byteLength)),
    ).toBe(true);
    // Every position once, adjacent suffixes in order.
    const seen = new Uint8Array(tokens.length);
    let ordered = true;
    for (let i = 0; i < sa.length; i++) {
      seen[sa[i]!] = 1;
      if (i === 0) continue;
      let a = sa[i - 1]!;
      let b = sa[i]!;
      while (a < tokens.length && b < tokens.length && tokens[a] === tokens[b]) {
        a++;
        b++;
      }
      if (!(a === tokens.length || (b < tokens.length && tokens[a]! < tokens[b]!))) ordered = false;
    }
    expect(ordered).toBe(true);
    expect(seen.every((x) => x === 1)).toBe(true);
  });

  it('runs the WebAssembly module that native/build.sh builds from native/suffixArray.c', (context) => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    try {
      execFileSync('clang-14', ['--version'], { stdio: 'ignore' });
    } catch {
      context.skip('clang-14 and lld-14 are not installed (apt-get install -y clang-14 lld-14)');
    }
    const out = mkdtempSync(join(tmpdir(), 'sa-wasm-'));
    try {
      execFileSync(join(here, '..', 'native', 'build.sh'), [join(out, 'suffixArrayWasm.ts')]);
      expect(readFileSync(join(out, 'suffixArrayWasm.ts'), 'utf8')).toBe(
        readFileSync(join(here, 'suffixArrayWasm.ts'), 'utf8'),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('rejects an invalid alphabet size', () => {
    expect(() => buildSuffixArray({ tokens: Uint16Array.of(1), alphabetSize: 0 })).toThrow(/alphabet/);
  });
});
