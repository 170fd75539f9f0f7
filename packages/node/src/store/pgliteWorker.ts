/**
 * The embedded database's own thread: PGlite's WebAssembly runs here, so the request thread never
 * waits on it (it only sends statements and receives rows). Statements run in arrival order, a
 * transaction holds the database until its `end` (PGlite's own lock), exactly as in one thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { DATABASE_NICE, lowerThreadPriority } from '../inference/threadPriority.js';
import { type DbReply, type DbRequest, type DbWorkerData, failureOf } from './dbMessages.js';
import { openPgliteDatabase } from './pglite.js';
import { type PreparedQuery, preparedStatements } from './preparedStatements.js';

lowerThreadPriority(DATABASE_NICE);

const port = parentPort!;
const { dataDir } = workerData as DbWorkerData;
const reply = (message: DbReply) => port.postMessage(message);

/** The rollback of a transaction its caller abandoned (not an error to report). */
const ROLLBACK = Symbol('rollback');
type OpenTransaction = { tx: Transaction; end(commit: boolean): void };

const opening = openPgliteDatabase(dataDir).then((db) => ({ db, prepared: preparedStatements(db) }));
const transactions = new Map<number, OpenTransaction>();
let nextTx = 1;

async function handle(
  { db, prepared }: { db: PGlite; prepared: PreparedQuery },
  request: DbRequest,
): Promise<void> {
  switch (request.op) {
    case 'query': {
      const tx = request.tx === undefined ? null : transactions.get(request.tx)?.tx;
      if (tx === undefined) throw new Error(`transaction ${request.tx} is not open`);
      const result = await prepared(request.sql, request.params, tx);
      return reply({ id: request.id, ok: true, value: result.rows });
    }
    case 'exec':
      await db.exec(request.sql);
      return reply({ id: request.id, ok: true, value: null });
    case 'begin':
      return begin(db, request.id);
    case 'end': {
      const open = transactions.get(request.tx);
      if (!open) throw new Error(`transaction ${request.tx} is not open`);
      // The reply goes out once PGlite committed or rolled back (see begin).
      pendingEnds.set(request.tx, request.id);
      return open.end(request.commit);
    }
    case 'close':
      await db.close();
      reply({ id: request.id, ok: true, value: null });
      port.close();
      return;
  }
}

/** Where each transaction's `end` request waits for its outcome. */
const pendingEnds = new Map<number, number>();

function begin(db: PGlite, beginId: number): void {
  const txId = nextTx++;
  let begun = false;
  db.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        begun = true;
        transactions.set(txId, { tx, end: (commit) => (commit ? resolve() : reject(ROLLBACK)) });
        reply({ id: beginId, ok: true, value: txId });
      }),
  ).then(
    () => settle(txId, null),
    (error) => {
      // It never began (the database is closing): the `begin` itself fails.
      if (!begun) reply({ id: beginId, ok: false, error: failureOf(error) });
      else settle(txId, error === ROLLBACK ? null : error);
    },
  );
}

function settle(txId: number, error: unknown): void {
  transactions.delete(txId);
  const id = pendingEnds.get(txId);
  pendingEnds.delete(txId);
  if (id === undefined) return;
  reply(error ? { id, ok: false, error: failureOf(error) } : { id, ok: true, value: null });
}

port.on('message', (request: DbRequest) => {
  opening
    .then((opened) => handle(opened, request))
    .catch((error) => reply({ id: request.id, ok: false, error: failureOf(error) }));
});
// Opening failed: every request (the first is the caller's readiness check) answers with why.
opening.catch(() => {});
