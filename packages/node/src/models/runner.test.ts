/**
 * An answer's spans traced alone (`traceAnswerSpans`, for models that attribute their own answers)
 * are the spans `traceAnswer` weighs, field for field and in the same order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributedSpan, AttributionIndex } from '@tributary/attribution';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexOfTexts } from '../testing/textIndex.js';
import { traceAnswer, traceAnswerSpans } from './runner.js';

const documents = [
  'The river carries silt from the mountains to the delta, where the water slows and the silt settles.',
  'Free software means that users have the freedom to run, copy, distribute, study, change and improve it.',
  'The delta grows each year as the river carries silt from the mountains, a slow and patient process.',
  'Users have the freedom to run, copy, distribute, study, change and improve the software they use.',
];

describe('traceAnswerSpans', () => {
  let directory: string;
  let index: AttributionIndex;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'trace-spans-'));
    index = await indexOfTexts(directory, documents);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("equals traceAnswer's spans, without their weights", () => {
    const answers = [
      'As we know, the river carries silt from the mountains to the delta, where the water slows.',
      'Users have the freedom to run, copy, distribute, study, change and improve it, and the delta grows.',
      'Nothing in this sentence was ever written in the corpus at all.',
      '   ',
    ];
    let traced = 0;
    for (const answer of answers) {
      const spans = traceAnswerSpans(index, answer);
      // traceAnswer's spans are weighed spans (its type names only what callers use).
      const weighed = (traceAnswer(index, answer).spans as AttributedSpan[]).map(
        ({ ownTokenStart, ownTokenEnd, specificity, weight, credited, ...span }) => span,
      );
      expect(spans).toEqual(weighed);
      traced += spans.length;
    }
    expect(traced).toBeGreaterThan(1);
  });
});
