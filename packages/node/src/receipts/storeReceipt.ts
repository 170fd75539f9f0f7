/**
 * Signs and stores receipts by group commit: the calls that finish together are written in one
 * transaction that places them in the open epoch (each receipt's `feeBefore` follows the one
 * before it), signs them (spread over the runner pool), stores them with their attribution, adds
 * their fees to what each payer owes and turns their reservations into the exact charges. A call
 * is answered only after that transaction committed: an acknowledged receipt is durable.
 */
import type { Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import type { Reservation } from '../payments/reservations.js';
import { closeEpoch } from '../settlement/closeEpoch.js';
import type { Queryable } from '../store/db.js';
import { type BuildReceiptParameters, buildReceipt } from './buildReceipt.js';

export type StoredReceipt = { id: Hex; receipt: Receipt; receiptHash: Hex; signature: Hex };

export type ReceiptParameters = Omit<
  BuildReceiptParameters,
  'epoch' | 'chainId' | 'node' | 'signer' | 'feeBefore'
>;
export type ReceiptRequest = { parameters: ReceiptParameters; reservation: Reservation };

/** Builds, signs and stores a call's receipt; the reservation becomes its charge in the same transaction. */
export function storeReceipt(
  ctx: Context,
  parameters: ReceiptParameters,
  reservation: Reservation,
): Promise<StoredReceipt> {
  return ctx.serving.receipts.submit({ parameters, reservation });
}

/** Receipts at one protocol fee rate share a batch (an epoch holds one rate). */
export function sameFeeRate(queue: readonly ReceiptRequest[]): number {
  const bps = queue[0]?.parameters.protocolFeeBps;
  const other = queue.findIndex((r) => r.parameters.protocolFeeBps !== bps);
  return other === -1 ? queue.length : other;
}

/** Writes one batch of receipts (the group commit's writer). */
export function writeReceipts(ctx: Context) {
  return (requests: ReceiptRequest[]): Promise<StoredReceipt[]> =>
    ctx.db.transaction(async (tx) => {
      const bps = requests[0]!.parameters.protocolFeeBps;
      let open = await openEpoch(tx);
      // One protocol fee rate per epoch (the contract checks the epoch's total against it).
      if (open.protocol_fee_bps !== null && open.protocol_fee_bps !== bps) {
        await closeEpoch(ctx, tx);
        open = await openEpoch(tx);
      }
      let feeBefore = BigInt(open.fee_total);
      const receipts = requests.map(({ parameters }) => {
        const receipt = buildReceipt({
          ...parameters,
          epoch: open.epoch,
          feeBefore,
          chainId: ctx.chain.chainId,
          node: ctx.chain.operator.address,
          signer: ctx.chain.signer.address,
        });
        feeBefore += BigInt(receipt.fee);
        return receipt;
      });
      const signed = await ctx.serving.pool.sign(receipts);
      await insertReceipts(tx, {
        epoch: open.epoch,
        bps,
        receipts,
        signed,
        reservations: requests.map((r) => r.reservation.id),
      });
      return receipts.map((receipt, i) => ({
        id: receipt.requestId,
        receipt,
        receiptHash: signed[i]!.receiptHash,
        signature: signed[i]!.signature,
      }));
    });
}

/** The open epoch, locked so that closing it waits for receipts being written into it. */
async function openEpoch(tx: Queryable) {
  const [open] = await tx.query<{ epoch: bigint; fee_total: string; protocol_fee_bps: number | null }>(
    "select epoch, fee_total::text as fee_total, protocol_fee_bps from epochs where status = 'open' order by epoch desc limit 1 for update",
  );
  return open!;
}

/**
 * One statement for the whole batch: receipts, their contributions, what each payer owes, the
 * reservations they replace and the epoch's running totals.
 */
async function insertReceipts(
  tx: Queryable,
  batch: {
    epoch: bigint;
    bps: number;
    receipts: Receipt[];
    signed: { receiptHash: Hex; signature: Hex }[];
    reservations: string[];
  },
): Promise<void> {
  const { receipts } = batch;
  const contributions = receipts.flatMap((r) =>
    r.attribution.contributions.map((c) => ({ receiptId: r.requestId, ...c })),
  );
  const owed = new Map<string, bigint>();
  for (const r of receipts) {
    const payer = addressKey(r.payer);
    owed.set(payer, (owed.get(payer) ?? 0n) + BigInt(r.fee));
  }
  const total = receipts.reduce((sum, r) => sum + BigInt(r.fee), 0n);
  await tx.query(
    `with stored as (
       insert into receipts (id, receipt_hash, epoch, payer, model_id, model_version, fee, input_tokens,
                             output_tokens, receipt, signature, finish_reason)
       select id, receipt_hash, $1, payer, model_id, model_version, fee, input_tokens, output_tokens,
              receipt::jsonb, signature, finish_reason
       from unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::int[], $7::numeric[], $8::int[],
                   $9::int[], $10::text[], $11::text[], $12::text[])
         as r (id, receipt_hash, payer, model_id, model_version, fee, input_tokens, output_tokens, receipt,
               signature, finish_reason)
       returning 1
     ), shares as (
       insert into receipt_contributions (receipt_id, contribution_id, contributor, datanet_id, ppm, amount)
       select * from unnest($13::text[], $14::numeric[], $15::text[], $16::numeric[], $17::int[], $18::numeric[])
     ), owed as (
       insert into payer_unsettled (payer, amount) select * from unnest($19::text[], $20::numeric[])
       on conflict (payer) do update set amount = payer_unsettled.amount + excluded.amount
     ), released as (
       delete from reservations where id = any($21::text[])
     )
     update epochs set fee_total = fee_total + $22, receipt_count = receipt_count + $23,
                       protocol_fee_bps = coalesce(protocol_fee_bps, $24)
     where epoch = $1`,
    [
      batch.epoch,
      receipts.map((r) => r.requestId),
      batch.signed.map((s) => s.receiptHash),
      receipts.map((r) => addressKey(r.payer)),
      receipts.map((r) => r.model.id),
      receipts.map((r) => r.model.version),
      receipts.map((r) => r.fee),
      receipts.map((r) => r.input.tokens),
      receipts.map((r) => r.output.tokens),
      receipts.map((r) => JSON.stringify(r)),
      batch.signed.map((s) => s.signature),
      receipts.map((r) => r.output.finishReason ?? null),
      contributions.map((c) => c.receiptId),
      contributions.map((c) => c.contributionId),
      contributions.map((c) => addressKey(c.contributor)),
      contributions.map((c) => c.datanetId),
      contributions.map((c) => c.ppm),
      contributions.map((c) => c.amount),
      [...owed.keys()],
      [...owed.values()].map(String),
      batch.reservations,
      total.toString(),
      receipts.length,
      batch.bps,
    ],
  );
}
