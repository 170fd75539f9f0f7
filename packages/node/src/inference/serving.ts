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
  /** Counts a started call until `done` settles (a stop waits for the calls in flight). */
  track(done: Promise<unknown>): void;
  /** Waits for the calls in flight (at most `CLOSE_WAIT_MS`), their writes, then stops the pool. */
  close(): Promise<void>;
};

/** How long a stop waits for calls in flight to be charged. */
const CLOSE_WAIT_MS = 10_000;

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
  const inflight = new Set<Promise<unknown>>();
  return {
    pool,
    reservations,
    receipts,
    protocolFee: null,
    track(done) {
      const settled = done.then(
        () => {},
        () => {},
      );
      inflight.add(settled);
      void settled.then(() => inflight.delete(settled));
    },
    async close() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(inflight),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      await reservations.batch.idle();
      await receipts.idle();
      await pool.close();
    },
  };
}
