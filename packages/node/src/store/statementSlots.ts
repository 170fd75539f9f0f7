/**
 * Places in the statement order, taken now and filled later. PGlite runs statements in the order
 * they are sent; a slot keeps that order for a statement whose parameters are not ready yet (a
 * journaled receipt batch still being signed off the request thread): statements sent after the
 * slot was taken wait, in order, until it is filled or given up, so they still see what it writes.
 * Statements inside a transaction are not held (the transaction was sent before the slot, or after
 * it was filled).
 */
import type { Db, Queryable } from './db.js';

/** A place in the statement order. */
export type StatementSlot = {
  /** Sends the slot's statement (once); later statements follow it. */
  fill<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Gives the place up without a statement: later statements go on. */
  cancel(): void;
};

type Waiting = { kind: 'slot'; ready: (() => void) | null } | { kind: 'statement'; send: () => void };

/** `db` with `reserveSlot`; everything else passes straight through while no slot is open. */
export function withStatementSlots(db: Db): Db & { reserveSlot(): StatementSlot } {
  const waiting: Waiting[] = [];

  /** Sends, in order, what no open slot holds back. */
  const flush = () => {
    while (waiting.length > 0) {
      const head = waiting[0]!;
      if (head.kind === 'slot') {
        if (!head.ready) return;
        head.ready();
      } else head.send();
      waiting.shift();
    }
  };

  /** Runs `send` now, or after the open slots before it. */
  const ordered = <T>(send: () => Promise<T>): Promise<T> => {
    if (waiting.length === 0) return send();
    return new Promise<T>((resolve, reject) => {
      waiting.push({ kind: 'statement', send: () => send().then(resolve, reject) });
    });
  };

  return {
    kind: db.kind,
    query: (sql, params) => ordered(() => db.query(sql, params)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => ordered(() => db.transaction(fn)),
    exec: (sql) => ordered(() => db.exec(sql)),
    close: () => ordered(() => db.close()),
    reserveSlot() {
      const slot: Waiting & { kind: 'slot' } = { kind: 'slot', ready: null };
      waiting.push(slot);
      let used = false;
      const release = (send: () => void) => {
        if (used) throw new Error('a statement slot is filled or cancelled once');
        used = true;
        slot.ready = send;
        flush();
      };
      return {
        fill: <T>(sql: string, params?: readonly unknown[]) =>
          new Promise<T[]>((resolve, reject) => {
            release(() => void db.query<T>(sql, params).then(resolve, reject));
          }),
        cancel: () => release(() => {}),
      };
    },
  };
}
