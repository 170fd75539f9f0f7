/**
 * Signs and stores receipts by group commit: the calls that finish together are placed in the open
 * epoch in order (each receipt's `feeBefore` follows the one before it), signed (spread over the
 * runner pool) and written in one statement with their attribution, the fees each payer owes and
 * the epoch's totals. An acknowledged receipt is durable: its statement committed, or (PGlite) its
 * batch is in the receipts journal, its place in the statement order taken and its statement on
 * its way once signed (`receiptJournal.ts`).
 */
import { randomBytes } from 'node:crypto';
import { hashReceipt, type Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { unavailable } from '../errors.js';
import { pauseMs } from '../faults.js';
import type { Reservation } from '../payments/reservations.js';
import { closeOpenEpoch, OPEN_EPOCH_LOCK } from '../settlement/closeEpoch.js';
import type { Queryable } from '../store/db.js';
import type { StatementSlot } from '../store/statementSlots.js';
import { type BuildReceiptParameters, buildReceipt } from './buildReceipt.js';
import type { ReceiptJournal } from './receiptJournal.js';

/** An acknowledged receipt (its signature is stored with it: `GET /v1/receipts/:id`). */
export type StoredReceipt = { id: Hex; receipt: Receipt; receiptHash: Hex; salt: Hex };

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

/** What one statement writes: a batch of receipts placed in the open epoch (and their signatures). */
export type ReceiptBatch = {
  open: { epoch: bigint; feeTotal: bigint };
  bps: number;
  receipts: Receipt[];
  salts: Hex[];
  reservations: string[];
};

export type Signed = { receiptHash: Hex; signature: Hex }[];

/**
 * Journaled statements that may be unfinished when the next batch is placed (more: it waits).
 * A busy node allows one: the calls that finish meanwhile gather into the next batch, and a
 * statement's fixed cost (~3.5 ms of the database thread, a few tenths per receipt more) is shared
 * by more receipts — at concurrency 32 the database thread's CPU per call fell ~2.7 → ~1.7 ms
 * against two. An idle node allows four: its lone receipt is signed after its answer, and the next
 * calls should not wait for that statement, nor for the database thread, which runs below the
 * request thread's priority (threadPriority.ts) and so may fall a few statements behind (paired
 * concurrency-1 runs, overhead p99 with two → four: 10.87 → 9.71, 10.58 → 10.40, 11.27 → 8.84 ms).
 */
const MAX_WRITING = { busy: 1, idle: 4 };

/** Attempts at a batch before giving up (each retry follows a change of the open epoch). */
const MAX_ATTEMPTS = 20;

export type ReceiptWriter = {
  /** The group commit's writer: places, signs and stores (or journals) a batch. */
  write(requests: ReceiptRequest[]): Promise<StoredReceipt[]>;
  /** The open epoch changed (settlement closed it, under `OPEN_EPOCH_LOCK`): read it again. */
  forgetOpenEpoch(): void;
  /** Resolves once every acknowledged receipt is in the database. */
  stored(): Promise<void>;
};

/**
 * The group commit's writer. A batch is built, under `OPEN_EPOCH_LOCK`, against the open epoch
 * as this writer last left it, then signed and written in one statement that applies only if that
 * epoch is still open with exactly that total.
 *   - With a journal (PGlite, one process): the batch is journaled and answered at once (signed
 *     first on a busy node, after answering on an idle one) and its statement fills the place in
 *     the statement order taken when it was journaled (see receiptJournal.ts, statementSlots.ts).
 *     Only this writer and `closeEpoch` (under the same lock, its statements after that place)
 *     change the open epoch, so the statement applies; if it ever does not, or signing fails, the
 *     writer refuses further receipts until a restart replays the journal.
 *   - Without (PostgreSQL, possibly shared): answered once committed; if another process wrote
 *     into the epoch meanwhile, the writer reads it again and rebuilds the batch.
 */
export function createReceiptWriter(
  ctx: Context,
  journal: ReceiptJournal<ReceiptBatch> | null,
): ReceiptWriter {
  let known: OpenEpoch | null = null;
  /** The statements of journaled batches, until each finishes (at most MAX_WRITING.idle: see `place`). */
  const writing = new Set<Promise<void>>();
  let failure: Error | null = null;

  /**
   * Fills a journaled batch's statement slot once it is signed (`signed`, or signed now after its
   * answers have left); the journal keeps the batch until it is stored.
   */
  function writeBehind(batch: ReceiptBatch, slot: StatementSlot, signed: Signed | null): void {
    // Unsigned (an idle node): a lone receipt is signed on this thread in the next turn of its
    // event loop (its answer is written in this one), a batch on the pool's workers.
    const signing = signed
      ? Promise.resolve(signed)
      : new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          ctx.serving.pool.sign(batch.receipts),
        );
    // The crash tests hold statements back (without backpressure, and letting later statements
    // pass), so that several answers are acknowledged from the journal alone when the kill lands.
    const held = pauseMs('receipts:write-behind');
    if (held) {
      slot.cancel();
      setTimeout(
        () => void signing.then((signed) => insertReceipts(ctx.db, batch, signed)).catch(() => {}),
        held,
      );
      return;
    }
    const done = signing
      .then(
        (signed) => insertReceipts(slot, batch, signed),
        (error: Error) => {
          slot.cancel();
          throw error;
        },
      )
      .then((applied) => {
        if (!applied)
          throw new Error(`epoch ${batch.open.epoch} was not open at fee total ${batch.open.feeTotal}`);
      })
      .catch((error: Error) => {
        failure ??= error;
        ctx.logger.error(
          { err: error },
          'journaled receipts could not be stored: restart the node to store them',
        );
      })
      .finally(() => {
        writing.delete(done);
        if (writing.size === 0 && !failure) journal!.allStored();
      });
    writing.add(done);
  }

  /** Waits until every journaled statement has finished. */
  async function writingDone(): Promise<void> {
    while (writing.size > 0) await Promise.all(writing);
  }

  async function place(requests: ReceiptRequest[]): Promise<StoredReceipt[]> {
    const bps = requests[0]!.parameters.protocolFeeBps;
    // Backpressure: while MAX_WRITING statements are unfinished the batch waits, so a busy
    // database slows answers to its pace and calls meanwhile gather into this batch (as when every
    // answer waited for its own commit); the journal is emptied whenever nothing is left unwritten.
    const limit = () => (ctx.serving.pool.idle() ? MAX_WRITING.idle : MAX_WRITING.busy);
    if (journal) while (writing.size >= limit()) await Promise.race(writing);
    for (let attempt = 1; ; attempt++) {
      if (failure) {
        throw unavailable(
          'receipts cannot be stored now',
          ['restart the node: it stores the journaled receipts first'],
          failure,
        );
      }
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
      const batch: ReceiptBatch = {
        open,
        bps,
        receipts,
        salts: requests.map((r) => r.parameters.salt),
        reservations: requests.map((r) => r.reservation.id),
      };
      let hashes: Hex[];
      let written = true;
      if (journal) {
        // Acknowledged once journaled; the statement keeps the place taken now (every statement
        // sent after this one sees these receipts). An idle node signs after answering (the
        // signature is deterministic, and made again on replay); a busy one before, so that no
        // place stays open while its workers, busy generating, get to the signatures: every
        // statement (an upload's too) would wait for them.
        const signed = ctx.serving.pool.idle() ? null : await ctx.serving.pool.sign(receipts);
        journal.append(batch);
        writeBehind(batch, ctx.db.reserveSlot!(), signed);
        ctx.serving.ledger!.owe(owedBy(receipts));
        hashes = signed ? signed.map((s) => s.receiptHash) : receipts.map(hashReceipt);
      } else {
        const signed = await ctx.serving.pool.sign(receipts);
        written = await insertReceipts(ctx.db, batch, signed);
        hashes = signed.map((s) => s.receiptHash);
      }
      if (written) {
        known = { epoch: open.epoch, feeTotal: feeBefore, bps };
        return receipts.map((receipt, i) => ({
          id: receipt.requestId,
          receipt,
          receiptHash: hashes[i]!,
          salt: requests[i]!.parameters.salt,
        }));
      }
      known = null;
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`the open epoch kept changing while ${requests.length} receipts were written`);
      }
    }
  }

  return {
    write: (requests) => ctx.locks.run(OPEN_EPOCH_LOCK, () => place(requests)),
    forgetOpenEpoch() {
      known = null;
    },
    stored: writingDone,
  };
}

/**
 * Stores the batches a crash left only in the journal (they follow, in order, the last one the
 * database has), then empties it. Runs at start, before anything reads receipts.
 */
export async function replayReceiptJournal(
  ctx: Context,
  journal: ReceiptJournal<ReceiptBatch>,
): Promise<number> {
  const batches = journal.read().map((b) => ({
    ...b,
    open: { epoch: BigInt(b.open.epoch), feeTotal: BigInt(b.open.feeTotal) },
  }));
  if (batches.length === 0) return 0;
  const stored = new Set(
    (
      await ctx.db.query<{ id: string }>('select id from receipts where id = any($1::text[])', [
        batches.map((b) => b.receipts[0]!.requestId),
      ])
    ).map((r) => r.id),
  );
  let replayed = 0;
  for (const batch of batches) {
    if (stored.has(batch.receipts[0]!.requestId)) continue;
    const signed = await ctx.serving.pool.sign(batch.receipts);
    if (!(await insertReceipts(ctx.db, batch, signed))) {
      throw new Error(
        `the receipt journal's batch of ${batch.receipts.length} receipts (first ${batch.receipts[0]!.requestId}) does not follow epoch ${batch.open.epoch} as stored: keep the journal file and the database for inspection`,
      );
    }
    replayed += batch.receipts.length;
  }
  journal.clear();
  return replayed;
}

/** What each payer owes for `receipts`. */
function owedBy(receipts: readonly Receipt[]): Map<string, bigint> {
  const owed = new Map<string, bigint>();
  for (const r of receipts) {
    const payer = addressKey(r.payer);
    owed.set(payer, (owed.get(payer) ?? 0n) + BigInt(r.fee));
  }
  return owed;
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
  // Already under OPEN_EPOCH_LOCK.
  await closeOpenEpoch(ctx);
  return read();
}

/**
 * One statement for the whole batch: the epoch's running totals, the receipts, their
 * contributions, what each payer owes and the reservations they replace — written only if the
 * epoch is still open with the total the batch was built on. Returns whether it was written.
 */
async function insertReceipts(
  db: Queryable | StatementSlot,
  batch: ReceiptBatch,
  signed: Signed,
): Promise<boolean> {
  const { sql, params } = receiptStatement(batch, signed);
  const statement = 'fill' in db ? db.fill.bind(db) : db.query.bind(db);
  const [row] = await statement<{ written: number }>(sql, params);
  return row!.written === 1;
}

/** The batch's statement and its parameters (the statements bench runs it too). */
export function receiptStatement(batch: ReceiptBatch, signed: Signed): { sql: string; params: unknown[] } {
  const { receipts } = batch;
  const contributions = receipts.flatMap((r) =>
    r.attribution.contributions.map((c) => ({ receiptId: r.requestId, ...c })),
  );
  const owed = owedBy(receipts);
  const total = receipts.reduce((sum, r) => sum + BigInt(r.fee), 0n);
  return {
    sql: RECEIPT_STATEMENT,
    params: [
      batch.open.epoch,
      receipts.map((r) => r.requestId),
      signed.map((s) => s.receiptHash),
      receipts.map((r) => addressKey(r.payer)),
      receipts.map((r) => r.model.id),
      receipts.map((r) => r.model.version),
      receipts.map((r) => r.fee),
      receipts.map((r) => r.input.tokens),
      receipts.map((r) => r.output.tokens),
      receipts.map((r) => JSON.stringify(r)),
      signed.map((s) => s.signature),
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
  };
}

const RECEIPT_STATEMENT = `with opened as (
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
     select count(*)::int as written from opened`;
