/**
 * The messages between the request thread and the embedded database's worker thread
 * (`pgliteThread.ts` ↔ `pgliteWorker.ts`). Plain data: they are structured-cloned.
 */

/** What the request thread asks of the database. */
export type DbCommand =
  | { op: 'query'; sql: string; params?: readonly unknown[] | undefined; tx?: number }
  | { op: 'exec'; sql: string }
  /** Opens a transaction; the reply's `value` is its id, for the queries and the `end` that follow. */
  | { op: 'begin' }
  /** Commits (`commit`) or rolls back a transaction. */
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** A command with the id its reply carries. */
export type DbRequest = DbCommand & { id: number };

/** A database error as data: its message and fields (`code`, `detail`, `constraint`, …). */
export type DbFailure = { message: string; name: string; fields: Record<string, unknown> };

export type DbReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: DbFailure };

/** What the worker is opened with. */
export type DbWorkerData = { dataDir: string | undefined };

/** An error as data, keeping the fields callers test (PostgreSQL's `code` above all). */
export function failureOf(error: unknown): DbFailure {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    fields[key] = value;
  }
  return { message: error.message, name: error.name, fields };
}

/** The error again, on the caller's side. */
export function errorOf(failure: DbFailure): Error {
  const error = new Error(failure.message);
  error.name = failure.name;
  return Object.assign(error, failure.fields);
}
