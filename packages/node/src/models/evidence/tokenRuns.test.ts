import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { longestSharedRun, sharedRunFinder } from './tokenRuns.js';

/** The longest common run by brute force. */
function naive(a: number[], b: number[]): number {
  let best = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) {
      let n = 0;
      while (i + n < a.length && j + n < b.length && a[i + n] === b[j + n]) n++;
      best = Math.max(best, n);
    }
  return best;
}

describe('longestSharedRun', () => {
  it('finds a longest run two token streams share, and it is really shared', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 60 }),
        (output, doc) => {
          const run = longestSharedRun(output, doc);
          const expected = naive(output, doc);
          if (expected === 0) {
            expect(run).toBeNull();
            return;
          }
          expect(run!.length).toBe(expected);
          expect(output.slice(run!.outputStart, run!.outputStart + run!.length)).toEqual(
            doc.slice(run!.docOffset, run!.docOffset + run!.length),
          );
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });

  it('finds a run planted among tokens of a real-sized vocabulary', () => {
    const token = fc.integer({ min: 0, max: 200_000 });
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 2, maxLength: 200 }),
        fc.array(token, { maxLength: 3_000 }),
        fc.nat(),
        fc.nat(),
        (output, filler, from, at) => {
          const start = from % (output.length - 1);
          const planted = output.slice(start, start + 2 + ((from >> 8) % (output.length - start - 1)));
          const cut = at % (filler.length + 1);
          const doc = [...filler.slice(0, cut), ...planted, ...filler.slice(cut)];
          const run = longestSharedRun(Uint32Array.from(output), Uint32Array.from(doc));
          expect(run!.length).toBeGreaterThanOrEqual(planted.length);
          expect(output.slice(run!.outputStart, run!.outputStart + run!.length)).toEqual(
            doc.slice(run!.docOffset, run!.docOffset + run!.length),
          );
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });
});

describe('sharedRunFinder', () => {
  it('with no shared pair, gives the earliest answer token the contribution holds, at its first place there', () => {
    // Few shared tokens, spread over the whole id range (the token filter's hash sees every bit).
    const token = fc.integer({ min: 0, max: 400 }).map((t) => (t * 2_654_435_761) % 2 ** 32);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), fc.array(token, { maxLength: 400 }), (output, doc) => {
        fc.pre(naive(output, doc) <= 1);
        const k = output.findIndex((t) => doc.includes(t));
        const expected = k === -1 ? null : { outputStart: k, length: 1, docOffset: doc.indexOf(output[k]!) };
        expect(sharedRunFinder(Uint32Array.from(output))(Uint32Array.from(doc))).toEqual(expected);
      }),
      { numRuns: 500, seed: 6 },
    );
  });

  it('gives, for each contribution in turn, what longestSharedRun gives for it alone', () => {
    const token = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 300 }),
        fc.array(fc.array(token, { maxLength: 400 }), { maxLength: 5 }),
        (output, docs) => {
          const find = sharedRunFinder(output);
          for (const doc of docs) expect(find(doc)).toEqual(longestSharedRun(output, doc));
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('keeps the first places of a pair the answer repeats beyond the cap, and finds runs from them', () => {
    // The pair (1, 2) occurs 100 times in the answer; the contribution continues the 10th.
    const output = Array.from({ length: 100 }, (_, i) => [1, 2, 1000 + i]).flat();
    const doc = [7, 1, 2, 1009, 1, 2, 1099];
    expect(sharedRunFinder(output)(doc)).toEqual({ outputStart: 27, length: 5, docOffset: 1 });
    // Places past the first 64 of a pair are not indexed: the 100th occurrence matches only as a pair.
    expect(sharedRunFinder(output)([1, 2, 1099])).toEqual({ outputStart: 0, length: 2, docOffset: 0 });
  });
});
