/**
 * How much a payer can still spend with this node: the smaller of its escrow balance and what it
 * authorized this node for (until the authorization expires), minus the fees of its receipts not
 * yet debited on-chain and minus the reservations of calls in flight.
 */
import { paymentEscrowAbi } from '@tributary/protocol';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import type { Queryable } from '../store/db.js';

export type PayerFunds = {
  /** Escrow balance (token base units). */
  balance: bigint;
  /** Left of the authorization for this node (0 when none or expired). */
  authorized: bigint;
  /** Unix seconds when the authorization expires (0 when none). */
  expiry: bigint;
  /** Fees of receipts not yet settled on-chain. */
  unsettled: bigint;
  /** Reserved by calls in flight. */
  reserved: bigint;
  /** What a new call may cost at most. */
  available: bigint;
};

/** The payer's funds as the indexer last saw the chain (fast; may lag a fresh deposit). */
export async function payerFunds(ctx: Context, payer: Address, db: Queryable = ctx.db): Promise<PayerFunds> {
  return (await payersFunds(ctx, [payer], db)).get(addressKey(payer))!;
}

/**
 * The funds of several payers, by lower-case address: from the payer ledger in memory where the
 * node alone opens its database (PGlite), else in one query.
 */
export async function payersFunds(
  ctx: Context,
  payers: readonly string[],
  db: Queryable = ctx.db,
): Promise<Map<string, PayerFunds>> {
  const { ledger, reservations } = ctx.serving;
  if (ledger) {
    const escrow = await ledger.escrow(payers);
    // Read after the await, with no await before the caller uses them (grants reserve at once).
    return new Map(
      [...escrow].map(([payer, e]) => [
        payer,
        computeFunds({ ...e, unsettled: ledger.unsettled(payer), reserved: reservations.held(payer) }),
      ]),
    );
  }
  const keys = [...new Set(payers.map(addressKey))];
  const rows = await db.query<{
    payer: string;
    balance: string | null;
    remaining: string | null;
    expiry: string | null;
    unsettled: string | null;
    reserved: string | null;
  }>(
    `select p.payer, b.balance::text as balance, a.remaining::text as remaining, a.expiry::text as expiry,
            u.amount::text as unsettled,
            (select sum(r.amount)::text from reservations r where r.payer = p.payer) as reserved
     from unnest($1::text[]) as p (payer)
     left join escrow_balances b on b.payer = p.payer
     left join escrow_authorizations a on a.payer = p.payer and a.node = $2
     left join payer_unsettled u on u.payer = p.payer`,
    [keys, addressKey(ctx.chain.operator.address)],
  );
  return new Map(
    rows.map((row) => [
      row.payer,
      computeFunds({
        balance: BigInt(row.balance ?? 0),
        remaining: BigInt(row.remaining ?? 0),
        expiry: BigInt(row.expiry ?? 0),
        unsettled: BigInt(row.unsettled ?? 0),
        reserved: BigInt(row.reserved ?? 0),
      }),
    ]),
  );
}

/** The escrow account and this node's authorization as the chain says now. */
export async function escrowOnChain(
  ctx: Context,
  payer: Address,
): Promise<{ balance: bigint; remaining: bigint; expiry: bigint }> {
  const escrow = { address: ctx.chain.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
  const [account, authorization] = await Promise.all([
    ctx.chain.publicClient.readContract({ ...escrow, functionName: 'accountOf', args: [payer] }),
    ctx.chain.publicClient.readContract({
      ...escrow,
      functionName: 'authorizationOf',
      args: [payer, ctx.chain.operator.address],
    }),
  ]);
  return { balance: account.balance, remaining: authorization.remaining, expiry: authorization.expiry };
}

/** The same as `payerFunds`, with balance and authorization read from the chain (authoritative, slower). */
export async function payerFundsOnChain(
  ctx: Context,
  payer: Address,
  db: Queryable = ctx.db,
): Promise<PayerFunds> {
  const [local, chain] = await Promise.all([payerFunds(ctx, payer, db), escrowOnChain(ctx, payer)]);
  return computeFunds({ ...chain, unsettled: local.unsettled, reserved: local.reserved });
}

/** What a payer may spend, from its escrow figures and what it already owes or has reserved. */
export function computeFunds(f: {
  balance: bigint;
  remaining: bigint;
  expiry: bigint;
  unsettled: bigint;
  reserved: bigint;
}): PayerFunds {
  const now = BigInt(Math.floor(Date.now() / 1000));
  const authorized = f.expiry > now ? f.remaining : 0n;
  const spendable = (f.balance < authorized ? f.balance : authorized) - f.unsettled - f.reserved;
  return {
    balance: f.balance,
    authorized,
    expiry: f.expiry,
    unsettled: f.unsettled,
    reserved: f.reserved,
    available: spendable > 0n ? spendable : 0n,
  };
}
