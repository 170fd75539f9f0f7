import { describe, expect, it } from 'vitest';
import { freshRuns } from './freshRuns.js';

/** A task whose runs end when the test says, recording when each began. */
function controlledTask() {
  const starts: number[] = [];
  const ends: (() => void)[] = [];
  let clock = 0;
  const task = () => {
    const run = starts.push(clock) - 1;
    return new Promise<number>((resolve) => ends.push(() => resolve(run)));
  };
  return { task, starts, end: (run: number) => ends[run]!(), tick: () => clock++ };
}

describe('freshRuns', () => {
  it('gives each caller a run that began after it asked, sharing runs among callers', async () => {
    const { task, starts, end, tick } = controlledTask();
    const run = freshRuns(task);
    const first = run(); // starts run 0
    tick();
    const second = run(); // run 0 began before: waits for run 1
    const third = run(); // shares run 1
    expect(starts).toEqual([0]);
    end(0);
    expect(await first).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(starts).toEqual([0, 1]); // run 1 began after the second and third calls (clock 1)
    end(1);
    expect(await second).toBe(1);
    expect(await third).toBe(1);
    expect(run.current()).toBeNull();
  });

  it('starts afresh after a failed run, and a queued caller still gets its own run', async () => {
    let calls = 0;
    const run = freshRuns(async () => {
      calls++;
      if (calls === 1) throw new Error('first run fails');
      return calls;
    });
    const failing = run();
    const queued = run();
    await expect(failing).rejects.toThrow('first run fails');
    expect(await queued).toBe(2);
    expect(await run()).toBe(3);
  });
});
