import { describe, expect, it } from 'vitest';
import { type MergeCandidate, selectSegmentsToMerge } from './mergePolicy.js';

const segment = (name: string, tokens: number, hasRemoved = false): MergeCandidate => ({
  name,
  tokens,
  hasRemoved,
});

describe('selectSegmentsToMerge', () => {
  it('merges everything on a full merge, unless one clean segment is already all there is', () => {
    expect(selectSegmentsToMerge({ segments: [segment('a', 10)], full: true })).toEqual([]);
    expect(selectSegmentsToMerge({ segments: [segment('a', 10, true)], full: true })).toEqual(['a']);
    expect(selectSegmentsToMerge({ segments: [segment('b', 900), segment('a', 1)], full: true })).toEqual([
      'b',
      'a',
    ]);
    expect(selectSegmentsToMerge({ segments: [], full: true })).toEqual([]);
  });

  it('takes the smallest segments while each is at most ratio × those before it, in their own order', () => {
    const segments = [segment('c', 100), segment('b', 12), segment('d', 1_000), segment('a', 10)];
    expect(selectSegmentsToMerge({ segments })).toEqual(['b', 'a']); // 100 > 4 × 22
    expect(selectSegmentsToMerge({ segments, ratio: 5 })).toEqual(['c', 'b', 'a']); // 100 ≤ 5 × 22; 1,000 > 5 × 122
    // At exactly ratio × the total it joins; one token more and it does not (and one alone is no merge).
    expect(selectSegmentsToMerge({ segments: [segment('a', 10), segment('b', 40)] })).toEqual(['a', 'b']);
    expect(selectSegmentsToMerge({ segments: [segment('a', 10), segment('b', 41)] })).toEqual([]);
    // Empty segments count as one token, so a small one still joins them.
    expect(selectSegmentsToMerge({ segments: [segment('a', 0), segment('b', 4)] })).toEqual(['a', 'b']);
    expect(selectSegmentsToMerge({ segments: [segment('a', 0), segment('b', 5)] })).toEqual([]);
  });

  it('always takes segments holding removed documents, so takedowns leave the disk', () => {
    const segments = [segment('big', 10_000, true), segment('a', 10), segment('b', 12)];
    expect(selectSegmentsToMerge({ segments })).toEqual(['big', 'a', 'b']);
    expect(selectSegmentsToMerge({ segments: [segment('big', 10_000, true), segment('a', 10)] })).toEqual([
      'big',
    ]);
  });
});
