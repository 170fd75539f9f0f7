/**
 * What serving keeps for the node's life: the runner pool (a call's CPU work, off the request
 * thread), the group commits that write reservations and receipts in batches and, with PGlite,
 * the payer ledger and the receipts journal that keep statements off a call's path.
 */
import { join } from 'node:path';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { createPayerLedger, type PayerLedger } from '../payments/payerLedger.js';
import { createReservations, type Reservations } from '../payments/reservations.js';
import { openReceiptJournal, type ReceiptJournal } from '../receipts/receiptJournal.js';
import {
  createReceiptWriter,
  type ReceiptBatch,
  type ReceiptRequest,
  type ReceiptWriter,
  replayReceiptJournal,
  type StoredReceipt,
  sameFeeRate,
} from '../receipts/storeReceipt.js';
import { createGroupCommit, type GroupCommit } from './groupCommit.js';
import { createRunnerPool, type RunnerPool } from './runnerPool.js';

export type Serving = {
  pool: RunnerPool;
  reservations: Reservations;
  /** Payers' funds in memory (PGlite: this process alone spends from its payers); null with PostgreSQL. */
  ledger: PayerLedger | null;
  receipts: GroupCommit<ReceiptRequest, StoredReceipt>;
  receiptWriter: ReceiptWriter;
  /** Before serving: stores what a crash left in the receipts journal, loads the payer ledger. */
  recover(): Promise<{ journaledReceipts: number }>;
  /** The protocol fee rate as of an indexed block (see protocolFee.ts). */
  protocolFee: { block: bigint; bps: Promise<number> } | null;
  /**
   * Waits for the writes of the calls answered (the node's HTTP server has closed first, after its
   * calls in flight were answered and charged), then stops the pool.
   */
  close(): Promise<void>;
};

/** Creates the serving state of `ctx` (its writers read the rest of `ctx` when they run). */
export function createServing(ctx: Context): Serving {
  const { config } = ctx;
  const pool = createRunnerPool({
    workers: config.serving.workers,
    runsHereWhenIdle: config.serving.idleRunsInline,
    upstreams: config.upstreams,
    signing: {
      key: (config.signingKey ?? config.operatorKey) as Hex,
      chainId: ctx.chain.chainId,
      rewardDistributor: ctx.chain.addresses.rewardDistributor,
    },
    logger: ctx.logger,
  });
  const maxBatch = config.serving.maxBatch;
  const reservations = createReservations(ctx, maxBatch);
  const alone = ctx.db.kind === 'pglite';
  const ledger = alone ? createPayerLedger(ctx) : null;
  const journal: ReceiptJournal<ReceiptBatch> | null = alone
    ? openReceiptJournal(join(config.home, 'receipts.journal'))
    : null;
  const receiptWriter = createReceiptWriter(ctx, journal);
  const receipts = createGroupCommit({ write: receiptWriter.write, maxBatch, compatible: sameFeeRate });
  return {
    pool,
    reservations,
    ledger,
    receipts,
    receiptWriter,
    async recover() {
      const journaledReceipts = journal ? await replayReceiptJournal(ctx, journal) : 0;
      await ledger?.load();
      return { journaledReceipts };
    },
    protocolFee: null,
    async close() {
      await reservations.batch.idle();
      await receipts.idle();
      await receiptWriter.stored();
      journal?.close();
      await pool.close();
    },
  };
}
