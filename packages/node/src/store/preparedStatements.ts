/**
 * Prepared statements for embedded PGlite. PGlite's `query` parses, describes and plans its
 * statement on every call, in six calls into the WebAssembly; the node runs the same few
 * statements hundreds of times a second (a paid call's reservation and receipt above all). Here a
 * statement with parameters is parsed once into a named statement, kept for the session, and then
 * runs as one bind-describe-execute-sync message: the receipt batch's statement took 0.7 ms
 * instead of 1.5–2 ms (p50, `_scratch` pairs in docs/benchmarks.md). PostgreSQL plans it once it
 * has seen it five times, as it would a PREPARE.
 *
 * Same locks, parameter serializers, result parsers and errors as PGlite's `query`: it is a drop-in.
 */
import { type PGlite, parse, protocol, type Results } from '@electric-sql/pglite';

/** Statements kept by default (the least recently used beyond this are closed). */
const CAPACITY = 128;

/** invalid_sql_statement_name (a DEALLOCATE dropped it), feature_not_supported (its result type changed). */
const STATEMENT_GONE = '26000';
const PLAN_CHANGED = '0A000';

type Prepared = { name: string; parameterTypes: number[] };

export type PreparedQuery = <T>(
  sql: string,
  params: readonly unknown[],
  inTransaction: boolean,
) => Promise<Results<T>>;

/**
 * `query(sql, params, inTransaction)` for `db`: `inTransaction` when the caller holds one of
 * PGlite's transactions (its lock is already taken, and its end syncs the files).
 */
export function preparedStatements(db: PGlite, capacity = CAPACITY): PreparedQuery {
  const statements = new Map<string, Prepared>();
  let next = 0;

  /** Parses `sql` into a new named statement (closing the least recently used beyond `capacity`). */
  async function prepare(sql: string): Promise<Prepared> {
    const name = `tributary_${++next}`;
    const parts = [protocol.serialize.parse({ name, text: sql, types: [] })];
    if (statements.size >= capacity) {
      const [oldest, evicted] = statements.entries().next().value!;
      statements.delete(oldest);
      parts.unshift(protocol.serialize.close({ type: 'S', name: evicted.name }));
    }
    parts.push(protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync());
    const { messages } = await db.execProtocol(concat(parts), { syncToFs: false });
    const prepared = { name, parameterTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, prepared);
    return prepared;
  }

  async function run<T>(
    sql: string,
    params: readonly unknown[],
    inTransaction: boolean,
  ): Promise<Results<T>> {
    let prepared = statements.get(sql);
    if (prepared) {
      // Most recently used last.
      statements.delete(sql);
      statements.set(sql, prepared);
    } else prepared = await prepare(sql);
    const { parameterTypes } = prepared;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = db.serializers[parameterTypes[i]!];
      return serialize ? serialize(value) : String(value);
    });
    const message = concat([
      protocol.serialize.bind({ statement: prepared.name, values }),
      protocol.serialize.describe({ type: 'P' }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    ]);
    const { messages } = await db.execProtocol(message, { syncToFs: !inTransaction });
    return parse.parseResults(messages, db.parsers)[0] as Results<T>;
  }

  /** Runs `sql`; a kept statement that no longer exists or whose result type changed is prepared again. */
  async function runOrPrepareAgain<T>(
    sql: string,
    params: readonly unknown[],
    inTransaction: boolean,
  ): Promise<Results<T>> {
    const kept = statements.has(sql);
    try {
      return await run<T>(sql, params, inTransaction);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (kept && !inTransaction && (code === STATEMENT_GONE || code === PLAN_CHANGED)) {
        statements.delete(sql);
        return runOrPrepareAgain(sql, params, inTransaction);
      }
      throw Object.assign(error as Error, { query: sql, params });
    }
  }

  return async <T>(sql: string, params: readonly unknown[], inTransaction: boolean) => {
    await db._checkReady();
    const query = () => db._runExclusiveQuery(() => runOrPrepareAgain<T>(sql, params, inTransaction));
    return inTransaction ? query() : db._runExclusiveTransaction(query);
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
