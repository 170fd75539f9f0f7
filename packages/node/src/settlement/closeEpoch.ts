/**
 * Closing an epoch: its receipts are frozen and a new epoch opens for the calls that follow. The
 * open epoch's row is locked while receipts are written into it, so closing waits for them.
 */
import type { Context } from '../context.js';
import type { Queryable } from '../store/db.js';

/** Closes the open epoch if it holds receipts; returns the closed epoch's number, or null. */
export async function closeEpoch(ctx: Context, db: Queryable | null = null): Promise<bigint | null> {
  const run = async (tx: Queryable) => {
    const [open] = await tx.query<{ epoch: bigint; receipt_count: number }>(
      "select epoch, receipt_count from epochs where status = 'open' order by epoch desc limit 1 for update",
    );
    if (!open || open.receipt_count === 0) return null;
    await tx.query("update epochs set status = 'closed', closed_at = now() where epoch = $1", [open.epoch]);
    await tx.query("insert into epochs (epoch, status) values ($1, 'open')", [open.epoch + 1n]);
    ctx.logger.info({ epoch: Number(open.epoch), receipts: open.receipt_count }, 'epoch closed');
    return open.epoch;
  };
  return db ? run(db) : ctx.db.transaction(run);
}

/** Whether the open epoch is due to close (old enough or full). */
export async function epochIsDue(ctx: Context): Promise<boolean> {
  const [open] = await ctx.db.query<{ receipt_count: number; age: number }>(
    "select receipt_count, extract(epoch from now() - opened_at)::float8 as age from epochs where status = 'open' order by epoch desc limit 1",
  );
  if (!open || open.receipt_count === 0) return false;
  const { epochSeconds, maxReceipts } = ctx.config.settlement;
  return open.age >= epochSeconds || open.receipt_count >= maxReceipts;
}
