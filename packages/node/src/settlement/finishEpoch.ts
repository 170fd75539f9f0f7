/**
 * An epoch leaving the unsettled states (settled on-chain, or voided): its status and the payers'
 * running unsettled totals change in one transaction, once. A settled epoch can still be voided
 * later (an upheld challenge): then only its status changes.
 */
import type { Context } from '../context.js';

const UNSETTLED = ['closed', 'built', 'submitted'];

/** Marks `epoch` settled or voided (releasing its payers' unsettled totals once); false if nothing changed. */
export async function finishEpoch(
  ctx: Context,
  epoch: bigint | string,
  status: 'settled' | 'voided',
): Promise<boolean> {
  const released = new Map<string, bigint>();
  const changed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ status: string }>(
      'select status from epochs where epoch = $1 for update',
      [String(epoch)],
    );
    if (!row || row.status === status || row.status === 'voided' || row.status === 'open') return false;
    if (!UNSETTLED.includes(row.status) && status === 'settled') return false;
    await tx.query('update epochs set status = $2 where epoch = $1', [String(epoch), status]);
    if (UNSETTLED.includes(row.status)) {
      const rows = await tx.query<{ payer: string; total: string }>(
        `update payer_unsettled u set amount = u.amount - r.total
         from (select payer, sum(fee) as total from receipts where epoch = $1 group by payer) r where u.payer = r.payer
         returning u.payer, r.total::text as total`,
        [String(epoch)],
      );
      for (const r of rows) released.set(r.payer, BigInt(r.total));
    }
    return true;
  });
  // Once committed (until then the fees count as unsettled: the safe side).
  ctx.serving.ledger?.settled(released);
  return changed;
}
