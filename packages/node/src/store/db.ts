/**
 * One SQL interface over embedded PGlite (the default) and PostgreSQL (`DATABASE_URL`): the same
 * migrations and queries run on both. int8 columns come back as bigint on both; numeric as
 * string; timestamptz as Date; jsonb as objects.
 */
import type { Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { openPgliteDatabase } from './pglite.js';
import { openPgliteThread } from './pgliteThread.js';
import { preparedStatements } from './preparedStatements.js';
import { type StatementSlot, withStatementSlots } from './statementSlots.js';

/** Something queries can run on: the database or a transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The node's database. */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * A place in the statement order, filled later (`statementSlots.ts`). PGlite only: statements
   * to PostgreSQL go over several connections, in no fixed order.
   */
  reserveSlot?(): StatementSlot;
}

export type OpenDbParameters = {
  /** PostgreSQL URL; when absent an embedded PGlite database lives in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory (omitted: in memory). */
  dataDir?: string | undefined;
  /**
   * Where PGlite runs: its own worker thread (the default: the request thread only waits for
   * results) or the caller's thread.
   */
  thread?: 'worker' | 'request';
};

/**
 * Opens the database.
 *
 * @example
 * const db = await openDb({ dataDir: '.tributary/db' });
 * const rows = await db.query<{ n: number }>('select 1 as n');
 */
export async function openDb({ databaseUrl, dataDir, thread = 'worker' }: OpenDbParameters): Promise<Db> {
  if (databaseUrl) return openPostgres(databaseUrl);
  return withStatementSlots(await (thread === 'worker' ? openPgliteThread(dataDir) : openPglite(dataDir)));
}

const INT8 = 20;

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const db = await openPgliteDatabase(dataDir);
  const prepared = preparedStatements(db);
  const run = async <T>(tx: Transaction | null, sql: string, params?: readonly unknown[]) =>
    (await prepared<T>(sql, params, tx)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => run(null, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    exec: async (sql) => {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}

async function openPostgres(databaseUrl: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8
          ? (value: string) => BigInt(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Fail at start, with the reason, rather than on the first request.
  const client = await pool.connect();
  client.release();
  const run = async <T>(target: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await target.query(sql, params ? [...params] : undefined)).rows as T[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const connection = await pool.connect();
      try {
        await connection.query('begin');
        const result = await fn({ query: (sql, params) => run(connection, sql, params) });
        await connection.query('commit');
        return result;
      } catch (error) {
        await connection.query('rollback').catch(() => {});
        throw error;
      } finally {
        connection.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
