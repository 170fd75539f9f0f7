/**
 * A model worker thread and the embedded database's thread lower their own priority, and only
 * their own: the request thread keeps the process's (Linux, where a nice value belongs to a thread).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import { describe, expect, it } from 'vitest';
import { openPgliteThread } from '../store/pgliteThread.js';
import { workerCode } from '../workerCode.js';
import type { HostSetup } from './poolMessages.js';
import { DATABASE_NICE, WORKER_NICE } from './threadPriority.js';

/** A thread's nice value: field 19 of its `stat` file. */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command (which may hold spaces) start at the last ')'.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Nice values of this process's threads. */
const threadNices = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => niceOf(`/proc/self/task/${tid}/stat`));

/** The nice value of the thread running the test (the request thread's stand-in). */
const ownNice = () => niceOf('/proc/thread-self/stat');

describe.runIf(process.platform === 'linux')('thread priorities', () => {
  it('runs the runner worker at WORKER_NICE and leaves the request thread as it was', async () => {
    const before = threadNices();
    const own = ownNice();
    expect(before.filter((n) => n === WORKER_NICE)).toHaveLength(0);
    const setup: HostSetup = {
      upstreams: {},
      signing: { key: ANVIL_PRIVATE_KEYS[1]!, chainId: 31337, rewardDistributor: `0x${'11'.repeat(20)}` },
    };
    const worker = new Worker(workerCode('./runnerWorker', import.meta.url), {
      eval: true,
      workerData: setup,
    });
    try {
      // The worker lowers its priority as its module loads; wait until it has.
      const deadline = Date.now() + 20_000;
      while (!threadNices().includes(WORKER_NICE) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(threadNices().filter((n) => n === WORKER_NICE).length).toBeGreaterThanOrEqual(1);
      expect(ownNice()).toBe(own);
    } finally {
      await worker.terminate();
    }
  });

  it('runs the embedded database thread at DATABASE_NICE, between the request thread and the workers', async () => {
    const before = threadNices();
    const own = ownNice();
    const db = await openPgliteThread(undefined);
    try {
      // Lowered as the thread's module loads, before its first statement is answered.
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      expect(threadNices().filter((n) => n === DATABASE_NICE).length).toBe(
        before.filter((n) => n === DATABASE_NICE).length + 1,
      );
      expect(ownNice()).toBe(own);
      // Below the request thread, above the workers (uploads and receipts wait on it).
      expect(own).toBeLessThan(DATABASE_NICE);
      expect(DATABASE_NICE).toBeLessThan(WORKER_NICE);
    } finally {
      await db.close();
    }
  });
});
