/**
 * Signs and stores receipts by group commit: the calls that finish together are placed in the open
 * epoch in order (each receipt's `feeBefore` follows the one before it), signed (spread over the
 * runner pool) and written in one statement with their attribution, the fees each payer owes and
 * the epoch's totals. A call is answered only after that statement committed: an acknowledged
 * receipt is durable.
 */
import { randomBytes } from 'node:crypto';
import type { Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import type { Reservation } from '../payments/reservations.js';
import { closeEpoch } from '../settlement/closeEpoch.js';
import type { Queryable } from '../store/db.js';
import { type BuildReceiptParameters, buildReceipt } from './buildReceipt.js';

export type StoredReceipt = { id: Hex; receipt: Receipt; receiptHash: Hex; signature: Hex; salt: Hex };

export type ReceiptParameters = Omit<
  BuildReceiptParameters,
  'epoch' | 'chainId' | 'node' | 'signer' | 'feeBefore'
>;
export type ReceiptRequest = { parameters: ReceiptParameters; reservation: Reservation };

/** Builds, signs and stores a call's receipt; the reservation becomes its charge in the same transaction. */
export function storeReceipt(
  ctx: Context,
  parameters: Omit<ReceiptParameters, 'salt'>,
  reservation: Reservation,
): Promise<StoredReceipt> {
  // The commitments' salt: the payer gets it, the public sees only the salted hashes.
  const salt = `0x${randomBytes(32).toString('hex')}` as Hex;
  return ctx.serving.receipts.submit({ parameters: { ...parameters, salt }, reservation });
}

/** Receipts at one protocol fee rate share a batch (an epoch holds one rate). */
export function sameFeeRate(queue: readonly ReceiptRequest[]): number {
  const bps = queue[0]?.parameters.protocolFeeBps;
  const other = queue.findIndex((r) => r.parameters.protocolFeeBps !== bps);
  return other === -1 ? queue.length : other;
}

/** The open epoch as a writer last saw (or left) it. */
type OpenEpoch = { epoch: bigint; feeTotal: bigint; bps: number | null };

/** Attempts at a batch before giving up (each retry follows a change of the open epoch). */
const MAX_ATTEMPTS = 20;

/**
 * The group commit's writer. A batch is built and signed outside any lock against the open epoch
 * as this writer last left it, then written in one statement that applies only if that epoch is
 * still open with exactly that total; otherwise (settlement closed it, another process sharing the
 * database wrote into it) the writer reads the epoch again and rebuilds the batch.
 */
export function writeReceipts(ctx: Context) {
  let known: OpenEpoch | null = null;
  return async (requests: ReceiptRequest[]): Promise<StoredReceipt[]> => {
    const bps = requests[0]!.parameters.protocolFeeBps;
    for (let attempt = 1; ; attempt++) {
      // One protocol fee rate per epoch (the contract checks the epoch's total against it).
      if (!known || (known.bps !== null && known.bps !== bps)) known = await openEpochAt(ctx, bps);
      const open: OpenEpoch = known;
      let feeBefore = open.feeTotal;
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
      const written = await insertReceipts(ctx.db, {
        open,
        bps,
        receipts,
        signed,
        salts: requests.map((r) => r.parameters.salt),
        reservations: requests.map((r) => r.reservation.id),
      });
      if (written) {
        known = { epoch: open.epoch, feeTotal: feeBefore, bps };
        return receipts.map((receipt, i) => ({
          id: receipt.requestId,
          receipt,
          receiptHash: signed[i]!.receiptHash,
          signature: signed[i]!.signature,
          salt: requests[i]!.parameters.salt,
        }));
      }
      known = null;
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`the open epoch kept changing while ${requests.length} receipts were written`);
      }
    }
  };
}

/** The open epoch, closed first if it holds receipts at another protocol fee rate. */
async function openEpochAt(ctx: Context, bps: number): Promise<OpenEpoch> {
  const read = async () => {
    const [row] = await ctx.db.query<{ epoch: bigint; fee_total: string; protocol_fee_bps: number | null }>(
      "select epoch, fee_total::text as fee_total, protocol_fee_bps from epochs where status = 'open' order by epoch desc limit 1",
    );
    return { epoch: row!.epoch, feeTotal: BigInt(row!.fee_total), bps: row!.protocol_fee_bps };
  };
  const open = await read();
  if (open.bps === null || open.bps === bps) return open;
  await closeEpoch(ctx);
  return read();
}

/**
 * One statement for the whole batch: the epoch's running totals, the receipts, their
 * contributions, what each payer owes and the reservations they replace — written only if the
 * epoch is still open with the total the batch was built on. Returns whether it was written.
 */
async function insertReceipts(
  db: Queryable,
  batch: {
    open: OpenEpoch;
    bps: number;
    receipts: Receipt[];
    signed: { receiptHash: Hex; signature: Hex }[];
    salts: Hex[];
    reservations: string[];
  },
): Promise<boolean> {
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
  const [row] = await db.query<{ written: number }>(
    `with opened as (
       update epochs set fee_total = fee_total + $22, receipt_count = receipt_count + $23,
                         protocol_fee_bps = coalesce(protocol_fee_bps, $24)
       where epoch = $1 and status = 'open' and fee_total = $25 and coalesce(protocol_fee_bps, $24) = $24
       returning epoch
     ), stored as (
       insert into receipts (id, receipt_hash, epoch, payer, model_id, model_version, fee, input_tokens,
                             output_tokens, receipt, signature, finish_reason, prompt_salt)
       select id, receipt_hash, $1, payer, model_id, model_version, fee, input_tokens, output_tokens,
              receipt::jsonb, signature, finish_reason, prompt_salt
       from unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::int[], $7::numeric[], $8::int[],
                   $9::int[], $10::text[], $11::text[], $12::text[], $26::text[])
         as r (id, receipt_hash, payer, model_id, model_version, fee, input_tokens, output_tokens, receipt,
               signature, finish_reason, prompt_salt)
       where exists (select 1 from opened)
     ), shares as (
       insert into receipt_contributions (receipt_id, contribution_id, contributor, datanet_id, ppm, amount)
       select * from unnest($13::text[], $14::numeric[], $15::text[], $16::numeric[], $17::int[], $18::numeric[])
       where exists (select 1 from opened)
     ), owed as (
       insert into payer_unsettled (payer, amount)
       select * from unnest($19::text[], $20::numeric[]) where exists (select 1 from opened)
       on conflict (payer) do update set amount = payer_unsettled.amount + excluded.amount
     ), released as (
       delete from reservations where id = any($21::text[]) and exists (select 1 from opened)
     )
     select count(*)::int as written from opened`,
    [
      batch.open.epoch,
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
      batch.open.feeTotal.toString(),
      batch.salts,
    ],
  );
  return row!.written === 1;
}
