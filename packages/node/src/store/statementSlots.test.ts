/**
 * Statement slots on the embedded database (both threads): a statement sent after a slot was
 * taken runs after the slot's statement, however late that is filled; a cancelled slot lets the
 * others go on; statements sent before the slot, and those inside a transaction, are not held.
 */
import { describe, expect, it } from 'vitest';
import { openDb } from './db.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each(['worker', 'request'] as const)('statement slots (PGlite on the %s thread)', (thread) => {
  it('runs later statements after the slot is filled, in the order they were sent', async () => {
    const db = await openDb({ thread });
    try {
      await db.exec('create table t (n int)');
      const slot = db.reserveSlot!();
      const order: string[] = [];
      const count = db.query<{ n: number }>('select count(*)::int as n from t').then((rows) => {
        order.push('count');
        return rows[0]!.n;
      });
      const second = db.query('insert into t values (2)').then(() => order.push('insert 2'));
      await tick();
      expect(order).toEqual([]); // held behind the open slot
      const filled = slot.fill('insert into t values (1)').then(() => order.push('insert 1'));
      await Promise.all([count, second, filled]);
      expect(order).toEqual(['insert 1', 'count', 'insert 2']);
      expect(await count).toBe(1);
      expect(() => slot.cancel()).toThrow(/once/);
    } finally {
      await db.close();
    }
  });

  it('lets statements go on past a cancelled slot, and does not hold earlier ones or a transaction’s', async () => {
    const db = await openDb({ thread });
    try {
      await db.exec('create table t (n int)');
      const inTransaction = db.transaction(async (tx) => {
        await tick();
        const slot = db.reserveSlot!(); // taken while the transaction is open
        await tx.query('insert into t values (1)'); // not held: the transaction came first
        slot.cancel();
        return 'committed';
      });
      expect(await inTransaction).toBe('committed');
      const slot = db.reserveSlot!();
      const after = db.query<{ n: number }>('select count(*)::int as n from t');
      slot.cancel();
      expect(await after).toEqual([{ n: 1 }]);
      // Two open slots: the later statement waits for both, filled in either order.
      const first = db.reserveSlot!();
      const second = db.reserveSlot!();
      const last = db.query<{ n: number }>('select count(*)::int as n from t');
      const two = second.fill('insert into t values (3)');
      await tick();
      const one = first.fill('insert into t values (2)');
      await Promise.all([one, two]);
      expect(await last).toEqual([{ n: 3 }]);
    } finally {
      await db.close();
    }
  });
});
