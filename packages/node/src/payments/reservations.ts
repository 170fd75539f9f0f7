/**
 * Reservations: before a call runs, its maximum cost is set aside, so concurrent calls can never
 * together spend more than the payer has; when the call ends the reservation becomes the exact
 * charge (a receipt) or is released. Reservations are written by group commit: the calls that
 * arrive together are checked and reserved in one transaction, payer by payer in arrival order,
 * under per-payer advisory locks (processes sharing one PostgreSQL database serialize on them).
 */
import { randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { paymentRequired } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { computeFunds, escrowOnChain, type PayerFunds, payersFunds } from './available.js';

export type Reservation = { id: string; payer: Address; amount: bigint };
export type ReservationRequest = { payer: Address; amount: bigint };
/** What a batch answers for one request: a reservation, or the funds that fell short. */
export type ReservationResult = Reservation | { short: PayerFunds };

/** How long a call waits for the chain when indexed funds fall short (a fresh deposit?). */
const CHAIN_CHECK_MS = 2_000;

/** Reserves `amount` for `payer` or throws 402 with the shortfall. */
export async function reserve(ctx: Context, payer: Address, amount: bigint): Promise<Reservation> {
  const result = await ctx.serving.reservations.submit({ payer, amount });
  if (!('short' in result)) return result;
  // The indexer may not have seen a fresh deposit or authorization yet: ask the chain, briefly —
  // serving never waits on it for long, and an unreachable chain leaves the indexed figures.
  const chain = await withTimeout(escrowOnChain(ctx, payer), CHAIN_CHECK_MS).catch(() => null);
  if (!chain)
    throw shortfall(payer, amount, result.short, ['the chain did not answer: funds as last indexed']);
  return ctx.db.transaction(async (tx) => {
    await lockPayers(tx, [addressKey(payer)]);
    const local = (await payersFunds(ctx, [payer], tx)).get(addressKey(payer))!;
    const funds = computeFunds({ ...chain, unsettled: local.unsettled, reserved: local.reserved });
    if (funds.available < amount) throw shortfall(payer, amount, funds);
    return (await insertReservations(tx, [{ payer, amount }]))[0]!;
  });
}

/** Releases a reservation (the call failed, or was cancelled before any output): nothing is charged. */
export async function release(ctx: Context, reservation: Reservation): Promise<void> {
  await ctx.db.query('delete from reservations where id = $1', [reservation.id]);
}

/** Writes one batch of reservation requests (the group commit's writer). */
export function writeReservations(ctx: Context) {
  return (requests: ReservationRequest[]): Promise<ReservationResult[]> =>
    ctx.db.transaction(async (tx) => {
      const payers = [...new Set(requests.map((r) => addressKey(r.payer)))].sort();
      await lockPayers(tx, payers);
      const funds = await payersFunds(ctx, payers, tx);
      const results: (ReservationResult | null)[] = [];
      const granted: ReservationRequest[] = [];
      for (const request of requests) {
        const left = funds.get(addressKey(request.payer))!;
        if (left.available < request.amount) {
          results.push({ short: left });
          continue;
        }
        left.available -= request.amount;
        left.reserved += request.amount;
        granted.push(request);
        results.push(null);
      }
      const reservations = await insertReservations(tx, granted);
      return results.map((r) => r ?? reservations.shift()!);
    });
}

/** Per-payer advisory locks, taken in one order (sorted) so that two batches never deadlock. */
async function lockPayers(tx: Queryable, sortedPayers: readonly string[]): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtext(p)) from unnest($1::text[]) as p', [sortedPayers]);
}

async function insertReservations(
  tx: Queryable,
  requests: readonly ReservationRequest[],
): Promise<Reservation[]> {
  if (requests.length === 0) return [];
  const reservations = requests.map((r) => ({
    id: randomBytes(16).toString('hex'),
    payer: r.payer,
    amount: r.amount,
  }));
  await tx.query(
    'insert into reservations (id, payer, amount) select * from unnest($1::text[], $2::text[], $3::numeric[])',
    [
      reservations.map((r) => r.id),
      reservations.map((r) => addressKey(r.payer)),
      reservations.map((r) => r.amount.toString()),
    ],
  );
  return reservations;
}

function shortfall(payer: Address, amount: bigint, funds: PayerFunds, notes: string[] = []) {
  return paymentRequired(
    'INSUFFICIENT_FUNDS',
    `this call may cost up to ${amount}; ${payer} has ${funds.available} available`,
    [
      `shortfall: ${amount - funds.available}`,
      `escrow balance ${funds.balance}, authorized for this node ${funds.authorized}, unsettled ${funds.unsettled}, reserved ${funds.reserved}`,
      ...notes,
      'deposit into PaymentEscrow and authorize this node (PaymentEscrow.authorize) for more',
    ],
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
