/**
 * The embedded database behaves the same on its own thread as on the caller's: types, errors
 * with their PostgreSQL fields, transactions that commit or roll back and hold the database
 * meanwhile, persistence across reopening, and a refusal once closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from './db.js';

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-db-'));
  dirs.push(dir);
  return join(dir, 'db');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function withDb<T>(thread: 'worker' | 'request', dataDir: string, fn: (db: Db) => Promise<T>) {
  const db = await openDb({ dataDir, thread });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe.each(['worker', 'request'] as const)('embedded PGlite on the %s thread', (thread) => {
  it('reads int8 as bigint, numeric as text, timestamptz as Date, jsonb as objects', async () => {
    await withDb(thread, scratch(), async (db) => {
      const [row] = await db.query<{ a: bigint; b: string; c: Date; d: { x: number[] } }>(
        `select 9007199254740993::int8 as a, 12345678901234567890.5::numeric as b,
                '2026-01-02T03:04:05Z'::timestamptz as c, $1::jsonb as d`,
        [JSON.stringify({ x: [1, 2] })],
      );
      expect(row).toEqual({
        a: 9007199254740993n,
        b: '12345678901234567890.5',
        c: new Date('2026-01-02T03:04:05Z'),
        d: { x: [1, 2] },
      });
    });
  });

  it('fails a statement with PostgreSQL’s code and message, and goes on serving', async () => {
    await withDb(thread, scratch(), async (db) => {
      await db.exec('create table t (id int primary key)');
      await db.query('insert into t values (1)');
      const error = await db.query('insert into t values (1)').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code: '23505', message: expect.stringMatching(/duplicate key/) });
      expect(await db.query('select count(*)::int as n from t')).toEqual([{ n: 1 }]);
    });
  });

  it('commits a transaction that resolves and rolls back one that throws (its own error)', async () => {
    await withDb(thread, scratch(), async (db) => {
      await db.exec('create table t (id int primary key)');
      expect(
        await db.transaction(async (tx) => {
          await tx.query('insert into t values (1)');
          return 'kept';
        }),
      ).toBe('kept');
      const thrown = new Error('changed my mind');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('insert into t values (2)');
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      // A failed statement inside rolls the whole transaction back too.
      await expect(
        db.transaction(async (tx) => {
          await tx.query('insert into t values (3)');
          await tx.query('insert into t values (1)');
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await db.query('select id from t order by id')).toEqual([{ id: 1 }]);
    });
  });

  it('holds the database during a transaction: a statement sent meanwhile sees it whole', async () => {
    await withDb(thread, scratch(), async (db) => {
      await db.exec('create table t (id int primary key)');
      let counted: Promise<{ n: number }[]> | undefined;
      await db.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        counted = db.query<{ n: number }>('select count(*)::int as n from t');
        // Give the outside statement every chance to run early.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.query('insert into t values (2)');
      });
      expect(await counted).toEqual([{ n: 2 }]);
    });
  });

  it('keeps what was written across closing and reopening', async () => {
    const dataDir = scratch();
    await withDb(thread, dataDir, (db) =>
      db.exec('create table t (v text); insert into t values ($$kept$$)'),
    );
    expect(await withDb(thread, dataDir, (db) => db.query('select v from t'))).toEqual([{ v: 'kept' }]);
  });

  it('refuses statements once closed, with a message', async () => {
    const db = await openDb({ dataDir: scratch(), thread });
    await db.close();
    await expect(db.query('select 1')).rejects.toThrow(/closed|exited/i);
  });
});
