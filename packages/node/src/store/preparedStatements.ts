/**
 * Prepared statements for embedded PGlite. PGlite's `query` parses, describes and plans its
 * statement on every call, in six calls into the WebAssembly; the node runs the same few
 * statements hundreds of times a second (a paid call's reservation and receipt above all). Here a
 * statement with parameters is parsed once into a named statement, kept for the session, and then
 * runs as one bind-describe-execute-sync message: the receipt batch's statement takes half the
 * time (`bench/statements.ts`). PostgreSQL switches a named statement to a generic plan once it
 * has seen it five times, as it would a PREPARE.
 *
 * Same locks, parameter serializers, result parsers and errors as PGlite's `query`: a drop-in.
 */
import { type PGlite, parse, protocol, type Results, type Transaction } from '@electric-sql/pglite';

/** Statements kept by default (the least recently used beyond this are closed). */
const CAPACITY = 128;

type Prepared = { name: string; parameterTypes: number[] };

/**
 * Runs `sql` with `params`, in `tx` when the caller holds one of PGlite's transactions: prepared
 * when it has parameters, through PGlite's `query` when it has none.
 */
export type PreparedQuery = <T>(
  sql: string,
  params: readonly unknown[] | undefined,
  tx: Transaction | null,
) => Promise<Results<T>>;

/**
 * A kept statement that PostgreSQL no longer runs: a DEALLOCATE dropped it (26000), or a table
 * under it changed its columns (0A000, this message only: other 0A000 errors are the statement's).
 */
function statementOutdated(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    code === '26000' || (code === '0A000' && /cached plan must not change result type/.test(message ?? ''))
  );
}

export function preparedStatements(db: PGlite, capacity = CAPACITY): PreparedQuery {
  const statements = new Map<string, Prepared>();
  /** Names dropped from `statements`, closed with the next statement prepared. */
  const toClose: string[] = [];
  let next = 0;

  /** Parses `sql` into a new named statement (closing the least recently used beyond `capacity`). */
  async function prepare(sql: string): Promise<Prepared> {
    if (statements.size >= capacity) {
      const [oldest, evicted] = statements.entries().next().value!;
      forget(oldest, evicted);
    }
    const name = `tributary_${++next}`;
    const closing = toClose.slice();
    const message = concat([
      // Closing a name PostgreSQL no longer has is not an error.
      ...closing.map((closed) => protocol.serialize.close({ type: 'S', name: closed })),
      protocol.serialize.parse({ name, text: sql, types: [] }),
      protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync(),
    ]);
    const { messages } = await db.execProtocol(message, { syncToFs: false });
    // Closed now (if this failed, they are closed with the next one).
    toClose.splice(0, closing.length);
    const prepared = { name, parameterTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, prepared);
    return prepared;
  }

  function forget(sql: string, prepared: Prepared): void {
    statements.delete(sql);
    toClose.push(prepared.name);
  }

  /** Runs `sql` (prepared first if it is not kept); outside a transaction an outdated kept statement is prepared again. */
  async function run<T>(
    sql: string,
    params: readonly unknown[],
    inTransaction: boolean,
  ): Promise<Results<T>> {
    let prepared = statements.get(sql);
    const kept = prepared !== undefined;
    try {
      if (prepared) {
        // Most recently used last.
        statements.delete(sql);
        statements.set(sql, prepared);
      } else prepared = await prepare(sql);
      const { name, parameterTypes } = prepared;
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serialize = db.serializers[parameterTypes[i]!];
        return serialize ? serialize(value) : String(value);
      });
      const message = concat([
        protocol.serialize.bind({ statement: name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]);
      // Inside a transaction PGlite syncs its files once the transaction ends, as its `query` does.
      const { messages } = await db.execProtocol(message, { syncToFs: !inTransaction });
      return parse.parseResults(messages, db.parsers)[0] as Results<T>;
    } catch (error) {
      if (kept && statementOutdated(error)) {
        if (statements.get(sql) === prepared) forget(sql, prepared!);
        // In a transaction the error aborted it: the next use, after it, prepares again.
        if (!inTransaction) return run<T>(sql, params, false);
      }
      throw Object.assign(error as Error, { query: sql, params });
    }
  }

  return <T>(sql: string, params: readonly unknown[] | undefined, tx: Transaction | null) => {
    // A statement without parameters (migrations, one-offs) is not one the node repeats.
    if (!params?.length) return (tx ?? db).query<T>(sql);
    if (tx) {
      // As PGlite's own `tx.query`: refused once the transaction ended, and the query lock taken
      // now, so that statements sent together run in the order they were sent.
      if (tx.closed) return Promise.reject(new Error('Transaction is closed'));
      return db._runExclusiveQuery(() => run<T>(sql, params, true));
    }
    return db
      ._checkReady()
      .then(() => db._runExclusiveTransaction(() => db._runExclusiveQuery(() => run<T>(sql, params, false))));
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
