/**
 * Closing an epoch: its receipts are frozen and a new epoch opens for the calls that follow. The
 * open epoch's row is locked while receipts are written into it (and, in this process, the
 * receipt writer's lock), so closing waits for them.
 */
import type { Context } from '../context.js';

/** The in-process lock under which receipts are placed in the open epoch and epochs close. */
export const OPEN_EPOCH_LOCK = 'open-epoch';

/**
 * Closes the open epoch if it holds receipts; returns the closed epoch's number, or null. Under
 * the receipt writer's lock: every receipt acknowledged before is in the epoch it closes (with
 * PGlite, its statement was sent before this transaction), none after.
 */
export function closeEpoch(ctx: Context): Promise<bigint | null> {
  return ctx.locks.run(OPEN_EPOCH_LOCK, () => closeOpenEpoch(ctx));
}

/** `closeEpoch` for a caller that already holds `OPEN_EPOCH_LOCK` (the receipt writer). */
export async function closeOpenEpoch(ctx: Context): Promise<bigint | null> {
  const closed = await ctx.db.transaction(async (tx) => {
    const [open] = await tx.query<{ epoch: bigint; receipt_count: number }>(
      "select epoch, receipt_count from epochs where status = 'open' order by epoch desc limit 1 for update",
    );
    if (!open || open.receipt_count === 0) return null;
    await tx.query("update epochs set status = 'closed', closed_at = now() where epoch = $1", [open.epoch]);
    await tx.query("insert into epochs (epoch, status) values ($1, 'open')", [open.epoch + 1n]);
    ctx.logger.info({ epoch: Number(open.epoch), receipts: open.receipt_count }, 'epoch closed');
    return open.epoch;
  });
  if (closed !== null) ctx.serving.receiptWriter.forgetOpenEpoch();
  return closed;
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
