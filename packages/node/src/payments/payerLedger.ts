/**
 * Payers' funds in memory, for a node whose database only it opens (embedded PGlite, `dev.lock`):
 * a reservation then costs no statement at all.
 *
 *   - Unsettled fees are mirrored exactly. Loaded once at start (before any call), then changed
 *     only here: + a receipt's fee when it is acknowledged (`owe`), − an epoch's fees when it
 *     leaves the unsettled states (`settled`). Those are the only writers of `payer_unsettled`.
 *   - Escrow balances and authorizations are what the indexer projected: cached per indexed block
 *     (`indexer.indexedBlock()` changes exactly when indexed state does), so a cached figure is
 *     never older than the indexed state the query would have read.
 *
 * With PostgreSQL several processes may spend from the same payer, so the funds query (under
 * advisory locks) stays the source there (`reservations.ts`).
 */
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';

/** A payer's escrow as indexed: balance, and this node's authorization. */
export type IndexedEscrow = { balance: bigint; remaining: bigint; expiry: bigint };

export type PayerLedger = {
  /** Reads every payer's unsettled fees (once, at start, before any call). */
  load(): Promise<void>;
  /** Fees of `payer`'s receipts not yet settled on-chain. */
  unsettled(payer: string): bigint;
  /** The indexed escrow figures of `payers` (one query for those not cached at this block). */
  escrow(payers: readonly string[]): Promise<Map<string, IndexedEscrow>>;
  /** Receipts were acknowledged: their payers owe these fees until settlement. */
  owe(fees: ReadonlyMap<string, bigint>): void;
  /** An epoch left the unsettled states: its payers no longer owe these fees. */
  settled(fees: ReadonlyMap<string, bigint>): void;
};

export function createPayerLedger(ctx: Context): PayerLedger {
  let unsettled: Map<string, bigint> | null = null;
  let cachedAt: bigint | null = null;
  let cache = new Map<string, IndexedEscrow>();
  const add = (fees: ReadonlyMap<string, bigint>, sign: 1n | -1n) => {
    if (!unsettled) throw new Error('the payer ledger is used before it was loaded');
    for (const [payer, fee] of fees) {
      const key = addressKey(payer);
      unsettled.set(key, (unsettled.get(key) ?? 0n) + sign * fee);
    }
  };
  return {
    async load() {
      const rows = await ctx.db.query<{ payer: string; amount: string }>(
        'select payer, amount::text as amount from payer_unsettled',
      );
      unsettled = new Map(rows.map((r) => [r.payer, BigInt(r.amount)]));
    },
    unsettled(payer) {
      if (!unsettled) throw new Error('the payer ledger is used before it was loaded');
      return unsettled.get(addressKey(payer)) ?? 0n;
    },
    async escrow(payers) {
      const block = ctx.indexer.indexedBlock();
      if (block !== cachedAt) {
        cache = new Map();
        cachedAt = block;
      }
      const keys = [...new Set(payers.map(addressKey))];
      const missing = keys.filter((key) => !cache.has(key));
      if (missing.length > 0) {
        const rows = await ctx.db.query<{
          payer: string;
          balance: string | null;
          remaining: string | null;
          expiry: string | null;
        }>(
          `select p.payer, b.balance::text as balance, a.remaining::text as remaining, a.expiry::text as expiry
           from unnest($1::text[]) as p (payer)
           left join escrow_balances b on b.payer = p.payer
           left join escrow_authorizations a on a.payer = p.payer and a.node = $2`,
          [missing, addressKey(ctx.chain.operator.address)],
        );
        const read = rows.map(
          (row) =>
            [
              row.payer,
              {
                balance: BigInt(row.balance ?? 0),
                remaining: BigInt(row.remaining ?? 0),
                expiry: BigInt(row.expiry ?? 0),
              },
            ] as const,
        );
        // Kept only if the indexer committed nothing meanwhile; this call uses them either way
        // (they are as fresh as a query issued now would be).
        if (ctx.indexer.indexedBlock() === cachedAt) for (const [key, escrow] of read) cache.set(key, escrow);
        return new Map([
          ...keys.filter((k) => cache.has(k)).map((k) => [k, cache.get(k)!] as const),
          ...read,
        ]);
      }
      return new Map(keys.map((k) => [k, cache.get(k)!]));
    },
    owe: (fees) => add(fees, 1n),
    settled: (fees) => add(fees, -1n),
  };
}
