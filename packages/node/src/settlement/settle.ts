/**
 * The settlement loop: close the open epoch when it is due, build closed epochs, submit built
 * ones, in epoch order, one pass at a time. A persisted state machine (open → closed → built →
 * submitted → settled), so a restart resumes exactly where the last pass stopped.
 */
import type { Context } from '../context.js';
import { crashPoint } from '../faults.js';
import { startPollLoop } from '../pollLoop.js';
import { buildEpoch } from './buildEpoch.js';
import { closeEpoch, epochIsDue } from './closeEpoch.js';
import { submitEpoch } from './submitEpoch.js';

export type SettlePassParameters = { closeNow?: boolean };

/** One pass; returns the epochs it moved to settled. */
export async function settlementPass(
  ctx: Context,
  { closeNow = false }: SettlePassParameters = {},
): Promise<bigint[]> {
  return ctx.locks.run('settlement', async () => {
    if (closeNow || (await epochIsDue(ctx))) await closeEpoch(ctx);
    const settled: bigint[] = [];
    const work = await ctx.db.query<{ epoch: bigint; status: string }>(
      "select epoch, status from epochs where status in ('closed', 'built', 'submitted') order by epoch",
    );
    for (const { epoch, status } of work) {
      if (status === 'closed') {
        await buildEpoch(ctx, epoch);
        crashPoint('settlement:built');
      }
      await submitEpoch(ctx, epoch);
      settled.push(epoch);
    }
    return settled;
  });
}

/** Runs passes every `settlement.pollMs` until stopped. */
export function startSettlementLoop(ctx: Context): { stop(): Promise<void> } {
  return startPollLoop({
    logger: ctx.logger,
    pollMs: ctx.config.settlement.pollMs,
    pass: () => settlementPass(ctx),
    name: 'settlement',
  });
}
