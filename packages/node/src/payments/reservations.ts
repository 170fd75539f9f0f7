/**
 * Reservations: before a call runs, its maximum cost is set aside, so concurrent calls can never
 * together spend more than the payer has; when the call ends the reservation becomes the exact
 * charge (a receipt) or is released.
 *
 * The calls that arrive together are checked in one batch (group commit), payer by payer in
 * arrival order. Where reservations are kept depends on who else can spend from the same payer:
 *   - PGlite (the default) is open in one process only (`dev.lock`), so reservations live in this
 *     process's memory, checked against the payer ledger (`payerLedger.ts`): no statement.
 *   - PostgreSQL may be shared by several node processes, so reservations are rows written in the
 *     batch's transaction under per-payer advisory locks, which those processes all respect.
 * Either way a reservation is released only once its receipt's fee counts as unsettled (committed,
 * or acknowledged from the journal), so the fee is never counted in neither place.
 */
import { randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { paymentRequired } from '../errors.js';
import { pausePoint } from '../faults.js';
import { createGroupCommit, type GroupCommit } from '../inference/groupCommit.js';
import type { Queryable } from '../store/db.js';
import { computeFunds, escrowOnChain, type PayerFunds, payersFunds } from './available.js';

export type Reservation = { id: string; payer: Address; amount: bigint };
export type ReservationRequest = { payer: Address; amount: bigint };
/** What a batch answers for one request: a reservation, or the funds that fell short. */
export type ReservationResult = Reservation | { short: PayerFunds };

export type Reservations = {
  /** Checks and reserves, batched with the requests that arrive meanwhile. */
  batch: GroupCommit<ReservationRequest, ReservationResult>;
  /** Gives a reservation back (the call failed or charged nothing). */
  release(reservation: Reservation): Promise<void>;
  /** The reservation became a committed receipt (which removed a stored one in its transaction). */
  charged(reservation: Reservation): void;
  /** What this process holds in memory for `payer` (stored reservations are counted by the funds query). */
  held(payer: string): bigint;
};

/** How long a call waits for the chain when indexed funds fall short (a fresh deposit?). */
const CHAIN_CHECK_MS = 2_000;

/** Reserves `amount` for `payer` or throws 402 with the shortfall. */
export async function reserve(ctx: Context, payer: Address, amount: bigint): Promise<Reservation> {
  const result = await ctx.serving.reservations.batch.submit({ payer, amount });
  if (!('short' in result)) return result;
  // The indexer may not have seen a fresh deposit or authorization yet: ask the chain, briefly —
  // serving never waits on it for long, and an unreachable chain leaves the indexed figures.
  const chain = await withTimeout(escrowOnChain(ctx, payer), CHAIN_CHECK_MS).catch(() => null);
  if (!chain)
    throw shortfall(payer, amount, result.short, ['the chain did not answer: funds as last indexed']);
  const retry = await ctx.serving.reservations.batch.submit({ payer, amount, ...{ chain } });
  if ('short' in retry) throw shortfall(payer, amount, retry.short);
  return retry;
}

/** Releases a reservation (the call failed, or was cancelled before any output): nothing is charged. */
export const release = (ctx: Context, reservation: Reservation): Promise<void> =>
  ctx.serving.reservations.release(reservation);

/** A request checked against escrow figures read from the chain rather than the indexed ones. */
type CheckedRequest = ReservationRequest & { chain?: { balance: bigint; remaining: bigint; expiry: bigint } };

/** The reservations of `ctx`: in memory with PGlite, stored with PostgreSQL. */
export function createReservations(ctx: Context, maxBatch: number): Reservations {
  return ctx.db.kind === 'pglite' ? memoryReservations(ctx, maxBatch) : storedReservations(ctx, maxBatch);
}

function memoryReservations(ctx: Context, maxBatch: number): Reservations {
  const held = new Map<string, bigint>();
  const add = (payer: string, amount: bigint) => {
    const left = (held.get(payer) ?? 0n) + amount;
    if (left === 0n) held.delete(payer);
    else held.set(payer, left);
  };
  const batch = createGroupCommit<CheckedRequest, ReservationResult>({
    maxBatch,
    async write(requests) {
      // Funds from the payer ledger (a statement only for escrow figures not cached at this
      // indexed block); no await between reading them (with what is held) and holding the grants.
      const funds = await payersFunds(
        ctx,
        requests.map((r) => r.payer),
      );
      return grant(requests, funds, (request) => {
        add(addressKey(request.payer), request.amount);
        return { id: randomBytes(16).toString('hex'), payer: request.payer, amount: request.amount };
      });
    },
  });
  return {
    batch,
    release: async (reservation) => add(addressKey(reservation.payer), -reservation.amount),
    // The receipt's fee is already in the ledger's unsettled figure (owed when acknowledged).
    charged: (reservation) => add(addressKey(reservation.payer), -reservation.amount),
    held: (payer) => held.get(addressKey(payer)) ?? 0n,
  };
}

function storedReservations(ctx: Context, maxBatch: number): Reservations {
  const batch = createGroupCommit<CheckedRequest, ReservationResult>({
    maxBatch,
    write: (requests) =>
      ctx.db.transaction(async (tx) => {
        const payers = [...new Set(requests.map((r) => addressKey(r.payer)))].sort();
        // Per-payer locks, in one (sorted) order so that two batches never deadlock.
        await tx.query('select pg_advisory_xact_lock(hashtext(p)) from unnest($1::text[]) as p', [payers]);
        const granted: Reservation[] = [];
        const funds = await payersFunds(ctx, payers, tx);
        // Race tests hold here: without the lock, another process would grant from the same funds.
        await pausePoint('reservations:funds-read');
        const results = grant(requests, funds, (request) => {
          const reservation = {
            id: randomBytes(16).toString('hex'),
            payer: request.payer,
            amount: request.amount,
          };
          granted.push(reservation);
          return reservation;
        });
        await insertReservations(tx, granted);
        return results;
      }),
  });
  return {
    batch,
    release: async (reservation) => {
      await ctx.db.query('delete from reservations where id = $1', [reservation.id]);
    },
    charged: () => {},
    held: () => 0n,
  };
}

/** Grants requests in order while each payer's funds last (a request may carry chain figures). */
function grant(
  requests: readonly CheckedRequest[],
  funds: Map<string, PayerFunds>,
  hold: (request: CheckedRequest) => Reservation,
): ReservationResult[] {
  return requests.map((request) => {
    const indexed = funds.get(addressKey(request.payer))!;
    const left = request.chain
      ? computeFunds({ ...request.chain, unsettled: indexed.unsettled, reserved: indexed.reserved })
      : indexed;
    if (left.available < request.amount) return { short: left };
    indexed.available -= request.amount;
    indexed.reserved += request.amount;
    return hold(request);
  });
}

async function insertReservations(tx: Queryable, reservations: readonly Reservation[]): Promise<void> {
  if (reservations.length === 0) return;
  await tx.query(
    'insert into reservations (id, payer, amount) select * from unnest($1::text[], $2::text[], $3::numeric[])',
    [
      reservations.map((r) => r.id),
      reservations.map((r) => addressKey(r.payer)),
      reservations.map((r) => r.amount.toString()),
    ],
  );
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
