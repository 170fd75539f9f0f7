/**
 * Reservations: before a call runs, its maximum cost is set aside under a per-payer lock, so
 * concurrent calls can never together spend more than the payer has; when the call ends the
 * reservation becomes the exact charge (a receipt) or is released.
 */
import { randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { paymentRequired } from '../errors.js';
import { payerFunds, payerFundsOnChain } from './available.js';

export type Reservation = { id: string; payer: Address; amount: bigint };

/** Reserves `amount` for `payer` or throws 402 with the shortfall. */
export async function reserve(ctx: Context, payer: Address, amount: bigint): Promise<Reservation> {
  return ctx.locks.run(`payer:${addressKey(payer)}`, () =>
    ctx.db.transaction(async (tx) => {
      // Serializes payers across processes sharing one PostgreSQL database too.
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [addressKey(payer)]);
      let funds = await payerFunds(ctx, payer, tx);
      // The indexer may not have seen a fresh deposit or authorization yet: ask the chain.
      if (funds.available < amount) funds = await payerFundsOnChain(ctx, payer, tx);
      if (funds.available < amount) {
        throw paymentRequired(
          'INSUFFICIENT_FUNDS',
          `this call may cost up to ${amount}; ${payer} has ${funds.available} available`,
          [
            `shortfall: ${amount - funds.available}`,
            `escrow balance ${funds.balance}, authorized for this node ${funds.authorized}, unsettled ${funds.unsettled}, reserved ${funds.reserved}`,
            'deposit into PaymentEscrow and authorize this node (PaymentEscrow.authorize) for more',
          ],
        );
      }
      const id = randomBytes(16).toString('hex');
      await tx.query('insert into reservations (id, payer, amount) values ($1, $2, $3)', [
        id,
        addressKey(payer),
        amount.toString(),
      ]);
      return { id, payer, amount };
    }),
  );
}

/** Releases a reservation (the call failed or was cancelled): nothing is charged. */
export async function release(ctx: Context, reservation: Reservation): Promise<void> {
  await ctx.db.query('delete from reservations where id = $1', [reservation.id]);
}
