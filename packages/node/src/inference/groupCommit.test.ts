import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './groupCommit.js';

describe('group commit', () => {
  it('writes an idle submission at once and batches those that arrive while a batch is written', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const commit = createGroupCommit<number, string>({
      maxBatch: 3,
      async write(items) {
        batches.push(items);
        if (batches.length === 1) await gate; // the first batch is slow: others queue meanwhile
        return items.map((i) => `#${i}`);
      },
    });
    const first = commit.submit(0);
    const rest = [1, 2, 3, 4].map((i) => commit.submit(i));
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['#0', '#1', '#2', '#3', '#4']);
    expect(batches).toEqual([[0], [1, 2, 3], [4]]);
    await commit.idle();
  });

  it('settles a submission only after its batch was written, and a later one starts a new batch', async () => {
    const written: number[] = [];
    const commit = createGroupCommit<number, number>({
      maxBatch: 10,
      async write(items) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        written.push(...items);
        return items;
      },
    });
    await commit.submit(1);
    expect(written).toEqual([1]);
    await commit.submit(2);
    expect(written).toEqual([1, 2]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const commit = createGroupCommit<number, number>({
      maxBatch: 10,
      async write(items) {
        await Promise.resolve();
        if (items.includes(13)) throw new Error('unlucky');
        return items.map((i) => i * 2);
      },
    });
    const results = await Promise.allSettled([1, 13, 3].map((i) => commit.submit(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      2,
      'unlucky',
      6,
    ]);
  });

  it('keeps incompatible items in separate batches, in order', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const commit = createGroupCommit<string, string>({
      maxBatch: 10,
      compatible: (queue) => {
        const kind = queue[0]![0];
        const other = queue.findIndex((item) => item[0] !== kind);
        return other === -1 ? queue.length : other;
      },
      async write(items) {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
    });
    const all = ['a0', 'a1', 'a2', 'b3', 'b4', 'a5'].map((item) => commit.submit(item));
    release();
    await Promise.all(all);
    expect(batches).toEqual([['a0'], ['a1', 'a2'], ['b3', 'b4'], ['a5']]);
  });
});
