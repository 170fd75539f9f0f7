/**
 * The embedded database on its own worker thread (the node's default with PGlite): the same `Db`
 * as on the request thread, but PGlite's WebAssembly — about half of what the request thread did
 * per paid call — runs beside it, so HTTP, uploads and `/health` never wait behind a statement's
 * execution, only for its result. Statements keep their order; a transaction holds the database
 * until it ends, as on one thread.
 */
import { Worker } from 'node:worker_threads';
import { workerCode } from '../workerCode.js';
import type { Db, Queryable } from './db.js';
import { type DbCommand, type DbReply, type DbRequest, type DbWorkerData, errorOf } from './dbMessages.js';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export async function openPgliteThread(dataDir: string | undefined): Promise<Db> {
  const data: DbWorkerData = { dataDir };
  const worker = new Worker(workerCode('./pgliteWorker', import.meta.url), { eval: true, workerData: data });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  // Why statements are refused from now on (closed, or the thread died).
  let refused: Error | null = null;
  // The thread keeps the process alive only while a statement is waiting for it.
  worker.unref();
  const settle = (id: number) => {
    const entry = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return entry;
  };
  worker.on('message', (reply: DbReply) => {
    const entry = settle(reply.id);
    if (reply.ok) entry?.resolve(reply.value);
    else entry?.reject(errorOf(reply.error));
  });
  const fail = (error: Error) => {
    refused ??= error;
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  };
  worker.on('error', (error) =>
    fail(new Error(`the database thread failed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', (code) => fail(new Error(`the database thread exited (code ${code})`)));

  const send = <T>(command: DbCommand): Promise<T> => {
    if (refused) return Promise.reject(refused);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...command, id } satisfies DbRequest);
    });
  };
  const query = <T>(sql: string, params?: readonly unknown[], tx?: number) =>
    send<T[]>({ op: 'query', sql, params, ...(tx === undefined ? {} : { tx }) });

  // Open (or fail to open) before the node relies on it.
  try {
    await query('select 1');
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    kind: 'pglite',
    query: (sql, params) => query(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await send<number>({ op: 'begin' });
      let result: T;
      try {
        result = await fn({ query: (sql, params) => query(sql, params, tx) });
      } catch (error) {
        await send({ op: 'end', tx, commit: false }).catch(() => {});
        throw error;
      }
      await send({ op: 'end', tx, commit: true });
      return result;
    },
    exec: async (sql) => {
      await send({ op: 'exec', sql });
    },
    async close() {
      if (refused) return;
      const closing = send({ op: 'close' });
      refused = new Error('the database is closed');
      await closing;
      await worker.terminate();
    },
  };
}
