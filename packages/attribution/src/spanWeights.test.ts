import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { microBits, type WeighableSpan, weighSpans } from './spanWeights.js';

const N = 1_000_000;
const bits = (b: number) => b * 1_000_000;

/**
 * Random spans over an output of `m` tokens as traceSpans gives them (starts and ends both
 * increasing: no span inside another), each token worth 0–20 bits.
 */
const scenario = fc
  .integer({ min: 8, max: 60 })
  .chain((m) =>
    fc.record({
      m: fc.constant(m),
      information: fc.array(fc.integer({ min: 0, max: bits(20) }), { minLength: m, maxLength: m }),
      spans: fc.uniqueArray(
        fc.record({
          tokenStart: fc.integer({ min: 0, max: m - 1 }),
          length: fc.integer({ min: 1, max: m }),
          count: fc.integer({ min: 1, max: 50 }),
          contributions: fc.uniqueArray(fc.constantFrom('1', '2', '3', '4', '5', '12'), {
            minLength: 1,
            maxLength: 4,
          }),
        }),
        { maxLength: 8, selector: (s) => s.tokenStart },
      ),
      minLength: fc.integer({ min: 1, max: 8 }),
      minInformation: fc.integer({ min: 0, max: bits(60) }),
    }),
  )
  .map(({ m, information, spans, minLength, minInformation }) => {
    const valid: WeighableSpan[] = [];
    let lastEnd = 0;
    for (const s of [...spans].sort((a, b) => a.tokenStart - b.tokenStart)) {
      const tokenEnd = Math.max(lastEnd + 1, s.tokenStart + s.length);
      if (tokenEnd > m) continue;
      lastEnd = tokenEnd;
      const contributions = [...s.contributions].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
      valid.push({ tokenStart: s.tokenStart, tokenEnd, count: s.count, contributions });
    }
    return { tokenInformation: information, minLength, minInformation, indexTokens: N, spans: valid };
  });
const runs = { seed: 23, numRuns: 500 };

describe('weighSpans', () => {
  it('gives every output token of a span to exactly one span, the most specific covering it', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { spans } = weighSpans(input);
        const owner = new Map<number, number>();
        spans.forEach((w, k) => {
          const span = input.spans[k]!;
          expect(w.ownStart).toBeGreaterThanOrEqual(span.tokenStart);
          expect(w.ownEnd).toBeLessThanOrEqual(span.tokenEnd);
          for (let t = w.ownStart; t < w.ownEnd; t++) {
            expect(owner.has(t)).toBe(false);
            owner.set(t, k);
          }
        });
        input.spans.forEach((span) => {
          for (let t = span.tokenStart; t < span.tokenEnd; t++) {
            const k = owner.get(t)!;
            const best = input.spans[k]!;
            // No covering span is more specific than the owner (fewer occurrences, then longer, then earlier).
            expect(best.count).toBeLessThanOrEqual(span.count);
            if (best.count === span.count) {
              expect(best.tokenEnd - best.tokenStart).toBeGreaterThanOrEqual(span.tokenEnd - span.tokenStart);
            }
          }
        });
      }),
      runs,
    );
  });

  it('weighs a span by its own information times its specificity, or nothing when its own part cannot stand', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { spans } = weighSpans(input);
        spans.forEach((w, k) => {
          let own = 0;
          for (let t = w.ownStart; t < w.ownEnd; t++) own += input.tokenInformation[t]!;
          expect(w.ownInformation).toBe(own);
          expect(w.specificity).toBe(microBits(N, input.spans[k]!.count));
          const stands = w.ownEnd - w.ownStart >= input.minLength && own >= input.minInformation;
          if (!stands) expect(w.weight).toBe(0);
          else {
            const exact = (own * w.specificity) / microBits(N, 1);
            expect(w.weight).toBeLessThanOrEqual(exact + 1e-6);
            expect(w.weight).toBeGreaterThan(exact - 1 - 1e-6);
          }
        });
      }),
      runs,
    );
  });

  it('credits each weight, whole, to the holders with the most evidence', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { spans, credit } = weighSpans(input);
        const evidence = new Map<string, number>();
        spans.forEach((w, k) => {
          if (w.weight > 0)
            for (const id of input.spans[k]!.contributions)
              evidence.set(id, (evidence.get(id) ?? 0) + w.weight);
        });
        let total = 0;
        spans.forEach((w, k) => {
          const holders = input.spans[k]!.contributions;
          expect(w.credited.reduce((sum, c) => sum + c.weight, 0)).toBe(w.weight);
          expect(w.credited.length > 0).toBe(w.weight > 0);
          const best = Math.max(...holders.map((id) => evidence.get(id) ?? 0));
          for (const c of w.credited) {
            expect(holders).toContain(c.contributionId);
            expect(evidence.get(c.contributionId)).toBe(best);
          }
          if (w.weight > 0)
            expect(w.credited.length).toBe(holders.filter((id) => evidence.get(id) === best).length);
          total += w.weight;
        });
        expect([...credit.values()].reduce((sum, c) => sum + c.weight, 0)).toBe(total);
      }),
      runs,
    );
  });

  it('does not depend on the order of the spans', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (input, keys) => {
        const order = input.spans.map((_, k) => k);
        order.sort((a, b) => keys[a]! - keys[b]! || a - b);
        const shuffled = { ...input, spans: order.map((k) => input.spans[k]!) };
        const a = weighSpans(input);
        const b = weighSpans(shuffled);
        order.forEach((k, j) => {
          expect(b.spans[j]).toEqual(a.spans[k]);
        });
        const totals = (r: typeof a) => [...r.credit].map(([id, c]) => [id, c.weight]).sort();
        expect(totals(b)).toEqual(totals(a));
      }),
      runs,
    );
  });

  it('gives a rarer span at least the weight of a more common one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: bits(40) }),
        (c1, c2, info) => {
          const weight = (count: number) =>
            weighSpans({
              spans: [{ tokenStart: 0, tokenEnd: 8, count, contributions: ['1'] }],
              tokenInformation: Array.from({ length: 8 }, () => info),
              indexTokens: N,
              minLength: 6,
              minInformation: 0,
            }).spans[0]!.weight;
          if (c1 <= c2) expect(weight(c1)).toBeGreaterThanOrEqual(weight(c2));
          expect(weight(1)).toBe(8 * info);
        },
      ),
      runs,
    );
  });

  it('lets a boilerplate fragment at the seam of a unique passage defer to it', () => {
    const information = Array.from({ length: 80 }, () => bits(10));
    const holders = Array.from({ length: 30 }, (_, k) => String(k + 100));
    const result = weighSpans({
      spans: [
        // The copied passage, unique to contribution 7.
        { tokenStart: 10, tokenEnd: 60, count: 1, contributions: ['7'] },
        // The novel word before it and the passage's opening boilerplate, in 30 other documents.
        { tokenStart: 9, tokenEnd: 30, count: 30, contributions: holders },
        // The passage's closing boilerplate running one token past it.
        { tokenStart: 45, tokenEnd: 61, count: 40, contributions: holders },
      ],
      tokenInformation: information,
      indexTokens: N,
      minLength: 6,
      minInformation: bits(40),
    });
    expect(result.spans.map((s) => s.weight)).toEqual([bits(500), 0, 0]);
    expect([...result.credit.keys()]).toEqual(['7']);
  });

  it('credits a fragment many documents share to the one that holds the rest of the copied text', () => {
    const information = Array.from({ length: 80 }, () => bits(10));
    const result = weighSpans({
      spans: [
        { tokenStart: 0, tokenEnd: 30, count: 1, contributions: ['7'] },
        // A formatting difference broke the copy: the rest matches 30 documents, 7 among them.
        {
          tokenStart: 31,
          tokenEnd: 60,
          count: 30,
          contributions: ['7', ...Array.from({ length: 29 }, (_, k) => String(k + 100))],
        },
      ],
      tokenInformation: information,
      indexTokens: N,
      minLength: 6,
      minInformation: bits(40),
    });
    expect([...result.credit.keys()]).toEqual(['7']);
    expect(result.spans[1]!.weight).toBeGreaterThan(0);
    expect(result.spans[1]!.weight).toBeLessThan(bits(290));
  });
});
