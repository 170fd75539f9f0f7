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
  const key = addressKey(payer);
  const node = addressKey(ctx.chain.operator.address);
  const [row] = await db.query<{
    balance: string | null;
    remaining: string | null;
    expiry: string | null;
    unsettled: string;
    reserved: string;
  }>(
    `select (select balance::text from escrow_balances where payer = $1) as balance,
            (select remaining::text from escrow_authorizations where payer = $1 and node = $2) as remaining,
            (select expiry::text from escrow_authorizations where payer = $1 and node = $2) as expiry,
            (select coalesce((select amount from payer_unsettled where payer = $1), 0)::text) as unsettled,
            (select coalesce(sum(amount), 0)::text from reservations where payer = $1) as reserved`,
    [key, node],
  );
  return compute(
    BigInt(row?.balance ?? 0),
    BigInt(row?.remaining ?? 0),
    BigInt(row?.expiry ?? 0),
    BigInt(row!.unsettled),
    BigInt(row!.reserved),
  );
}

/** The same, reading balance and authorization from the chain itself (authoritative, slower). */
export async function payerFundsOnChain(
  ctx: Context,
  payer: Address,
  db: Queryable = ctx.db,
): Promise<PayerFunds> {
  const local = await payerFunds(ctx, payer, db);
  const escrow = { address: ctx.chain.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
  const [account, authorization] = await Promise.all([
    ctx.chain.publicClient.readContract({ ...escrow, functionName: 'accountOf', args: [payer] }),
    ctx.chain.publicClient.readContract({
      ...escrow,
      functionName: 'authorizationOf',
      args: [payer, ctx.chain.operator.address],
    }),
  ]);
  return compute(
    account.balance,
    authorization.remaining,
    authorization.expiry,
    local.unsettled,
    local.reserved,
  );
}

function compute(
  balance: bigint,
  remaining: bigint,
  expiry: bigint,
  unsettled: bigint,
  reserved: bigint,
): PayerFunds {
  const now = BigInt(Math.floor(Date.now() / 1000));
  const authorized = expiry > now ? remaining : 0n;
  const spendable = (balance < authorized ? balance : authorized) - unsettled - reserved;
  return { balance, authorized, expiry, unsettled, reserved, available: spendable > 0n ? spendable : 0n };
}
