/**
 * What serving keeps for the node's life: the runner pool (a call's CPU work, off the request
 * thread) and the group commits that write reservations and receipts in batches.
 */
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { createReservations, type Reservations } from '../payments/reservations.js';
import {
  type ReceiptRequest,
  type StoredReceipt,
  sameFeeRate,
  writeReceipts,
} from '../receipts/storeReceipt.js';
import { createGroupCommit, type GroupCommit } from './groupCommit.js';
import { createRunnerPool, type RunnerPool } from './runnerPool.js';

export type Serving = {
  pool: RunnerPool;
  reservations: Reservations;
  receipts: GroupCommit<ReceiptRequest, StoredReceipt>;
  /** The protocol fee rate as of an indexed block (see protocolFee.ts). */
  protocolFee: { block: bigint; bps: Promise<number> } | null;
  /** Stops the pool once the writes in flight are done. */
  close(): Promise<void>;
};

/** Creates the serving state of `ctx` (its writers read the rest of `ctx` when they run). */
export function createServing(ctx: Context): Serving {
  const { config } = ctx;
  const pool = createRunnerPool({
    workers: config.serving.workers,
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
  const receipts = createGroupCommit({ write: writeReceipts(ctx), maxBatch, compatible: sameFeeRate });
  return {
    pool,
    reservations,
    receipts,
    protocolFee: null,
    async close() {
      await reservations.batch.idle();
      await receipts.idle();
      await pool.close();
    },
  };
}
