/**
 * Model workers and the embedded database's thread run at a lower CPU priority than the request
 * thread. On a machine with few cores the request thread is the one every call passes through
 * twice (to start a run, to answer it): when it wakes a worker, the worker would otherwise preempt
 * it on its core and the call's answer waits behind another call's generation (measured: the
 * reservation stage's p90 fell from 3–5 to 0.2 ms at concurrency 1). The database thread writes
 * the previous call's receipt while the next call runs: at its own priority it kept the request
 * thread waiting for a core (`/proc/thread-self/schedstat`: ~6.5 → ~5 ms of the slowest 2% of
 * calls' overhead at concurrency 1). It stays above the workers: uploads and receipts wait on it.
 * Both still get every core the request thread leaves idle.
 */
import { setPriority } from 'node:os';

/** Nice value of a model worker thread (the request thread keeps the process's, usually 0). */
export const WORKER_NICE = 10;

/** Nice value of the embedded database's thread (PGlite). */
export const DATABASE_NICE = 5;

/**
 * Lowers the calling thread's priority. Linux only: there a nice value belongs to a thread;
 * elsewhere `setpriority` would lower the whole process, request thread included.
 */
export function lowerThreadPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted (a sandbox): workers keep the request thread's priority.
  }
}
