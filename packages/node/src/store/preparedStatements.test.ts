/**
 * Prepared statements answer exactly as PGlite's `query` does (types, errors, transactions, a
 * transaction's end and its order), are really kept (PostgreSQL lists them), survive a change of
 * the table under them, and the least recently used are closed beyond the capacity.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from './pglite.js';
import { type PreparedQuery, preparedStatements } from './preparedStatements.js';

let db: PGlite;
let prepared: PreparedQuery;
beforeEach(async () => {
  db = await openPgliteDatabase(undefined);
  prepared = preparedStatements(db, 3);
  await db.exec('create table t (id int primary key, amount numeric(78, 0), data jsonb, tags text[])');
});
afterEach(() => db.close());

const kept = async () =>
  (
    await db.query<{ statement: string }>('select statement from pg_prepared_statements order by name')
  ).rows.map((r) => r.statement);

describe('prepared statements on PGlite', () => {
  it('give the rows, types and counts that query gives, with one kept statement per text', async () => {
    const one = 'insert into t (id, amount, data, tags) values ($1, $2, $3, $4)';
    await prepared(one, [1, 10n ** 30n, JSON.stringify({ a: [1] }), ['x', 'y"z']], null);
    await prepared(one, [2, '7', null, []], null);
    const select = 'select id, amount, data, tags, $1::int8 as big from t where id >= $2 order by id';
    const viaPrepared = await prepared(select, [9007199254740993n, 1], null);
    const viaQuery = await db.query(select, [9007199254740993n, 1]);
    expect(viaPrepared.rows).toEqual(viaQuery.rows);
    expect(viaPrepared.rows).toEqual([
      {
        id: 1,
        amount: (10n ** 30n).toString(),
        data: { a: [1] },
        tags: ['x', 'y"z'],
        big: 9007199254740993n,
      },
      { id: 2, amount: '7', data: null, tags: [], big: 9007199254740993n },
    ]);
    expect(viaPrepared.fields.map((f) => f.name)).toEqual(['id', 'amount', 'data', 'tags', 'big']);
    const update = await prepared(
      'update t set amount = amount + $1 where id = any($2::int[])',
      [1, [1, 2]],
      null,
    );
    expect(update.affectedRows).toBe(2);
    // Each text prepared once, then reused (the same statement again adds nothing).
    await prepared(select, [1n, 2], null);
    expect(await kept()).toEqual([
      one,
      select,
      'update t set amount = amount + $1 where id = any($2::int[])',
    ]);
  });

  it('fails with PostgreSQL’s code, detail and the statement, and the statement still serves after', async () => {
    const one = 'insert into t (id) values ($1)';
    await prepared(one, [1], null);
    const error = await prepared(one, [1], null).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey', query: one });
    expect((await prepared(one, [2], null)).affectedRows).toBe(1);
    // A statement that does not parse is not kept.
    await expect(prepared('select nothing from nowhere where $1', [1], null)).rejects.toMatchObject({
      code: '42P01',
    });
    expect(await kept()).toEqual([one]);
  });

  it('runs inside a transaction: rolled back with it, committed with it', async () => {
    const one = 'insert into t (id) values ($1)';
    await db
      .transaction(async (tx) => {
        await prepared(one, [1], tx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await db.transaction(async (tx) => {
      await prepared(one, [2], tx);
    });
    expect((await db.query('select id from t')).rows).toEqual([{ id: 2 }]);
  });

  it('refuses a transaction’s statement once it ended, rather than running it in the next one', async () => {
    const one = 'insert into t (id) values ($1)';
    let ended: Transaction | null = null;
    await db.transaction(async (tx) => {
      ended = tx;
      await prepared(one, [1], tx);
    });
    // Run inside another transaction, which commits: a statement that ran would stay.
    const outcome = await db.transaction(() =>
      prepared(one, [2], ended).then(
        () => 'ran',
        (error: Error) => error.message,
      ),
    );
    expect(outcome).toBe('Transaction is closed');
    expect((await db.query('select id from t')).rows).toEqual([{ id: 1 }]);
  });

  it('runs a transaction’s statements sent together in the order sent, with or without parameters', async () => {
    await db.exec('create table seen (seq serial, id int)');
    const one = 'insert into seen (id) values ($1)';
    await db.transaction(async (tx) => {
      await Promise.all([
        prepared(one, [1], tx),
        tx.query('insert into seen (id) values (2)'),
        prepared(one, [3], tx),
        tx.query('insert into seen (id) values (4)'),
      ]);
    });
    expect((await db.query('select id from seen order by seq')).rows).toEqual(
      [1, 2, 3, 4].map((id) => ({ id })),
    );
  });

  it('prepares a statement again when the table under it changed its columns', async () => {
    const select = 'select * from t where id = $1';
    await prepared('insert into t (id) values ($1)', [1], null);
    expect(Object.keys((await prepared(select, [1], null)).rows[0]!)).toEqual([
      'id',
      'amount',
      'data',
      'tags',
    ]);
    await db.exec('alter table t add column note text');
    expect(Object.keys((await prepared(select, [1], null)).rows[0]!)).toEqual([
      'id',
      'amount',
      'data',
      'tags',
      'note',
    ]);
    await db.exec('deallocate all');
    expect((await prepared(select, [1], null)).rows).toHaveLength(1);
    // The outdated names were closed: one kept statement per text.
    expect((await kept()).filter((statement) => statement === select)).toHaveLength(1);
  });

  it('prepares again after a change under a transaction’s statement, from the next transaction on', async () => {
    const select = 'select * from t where id = $1';
    await prepared(select, [1], null);
    await db.exec('alter table t add column note text');
    const inChange = await db.transaction((tx) => prepared(select, [1], tx)).catch((error: unknown) => error);
    expect(inChange).toMatchObject({ code: '0A000' });
    const after = await db.transaction((tx) => prepared(select, [1], tx));
    expect(after.fields.map((f) => f.name)).toContain('note');
  });

  it('keeps at most its capacity, closing the least recently used', async () => {
    const statement = (n: number) => `select $1::int + ${n} as n`;
    for (const n of [1, 2, 3]) await prepared(statement(n), [0], null);
    await prepared(statement(1), [0], null); // 1 is now the most recently used
    await prepared(statement(4), [0], null);
    expect((await kept()).sort()).toEqual([statement(1), statement(3), statement(4)].sort());
    expect((await prepared(statement(2), [5], null)).rows).toEqual([{ n: 7 }]);
  });
});
