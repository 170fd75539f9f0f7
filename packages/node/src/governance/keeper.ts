/**
 * The keeper: a background job that does the protocol's housekeeping anyone may do — it advances
 * every node's finality pointer once epochs pass their challenge window (so their protocol fees
 * accrue) and sweeps accrued protocol fees to the treasury, where governance can spend them.
 */
import { EpochStatus, rewardDistributorAbi } from '@tributary/protocol';
import type { Address } from 'viem';
import { sendTransaction } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { startPollLoop } from '../pollLoop.js';
import { chainNow } from './chainReads.js';

export type KeeperPassResult = { finalized: Address[]; swept: bigint };

/** One pass: finalize what is due, then sweep; returns what it did. */
export async function keeperPass(ctx: Context): Promise<KeeperPassResult> {
  return ctx.locks.run('keeper', async () => {
    const distributor = {
      address: ctx.chain.addresses.rewardDistributor,
      abi: rewardDistributorAbi,
    } as const;
    const { publicClient } = ctx.chain;
    const now = BigInt(await chainNow(ctx));
    const finalized: Address[] = [];
    const nodes = await ctx.db.query<{ node: Address }>(
      'select distinct node from chain_epochs order by node',
    );
    for (const { node } of nodes) {
      const state = (await publicClient.readContract({
        ...distributor,
        functionName: 'getNodeState',
        args: [node],
      })) as {
        finalizedEpoch: bigint;
        lastEpoch: bigint;
      };
      if (state.finalizedEpoch >= state.lastEpoch) continue;
      const next = (await publicClient.readContract({
        ...distributor,
        functionName: 'getEpoch',
        args: [node, BigInt(state.finalizedEpoch) + 1n],
      })) as { status: number; claimableAt: bigint };
      const due =
        next.status === EpochStatus.Voided ||
        (next.status === EpochStatus.Settled && BigInt(next.claimableAt) <= now);
      if (!due) continue;
      await sendTransaction(ctx, {
        purpose: `keeper:finalize:${node}:${state.finalizedEpoch}`,
        ...distributor,
        functionName: 'finalize',
        args: [node, BigInt(ctx.config.keeper.maxFinalizeSteps)],
      });
      finalized.push(node);
    }
    const accrued = await publicClient.readContract({ ...distributor, functionName: 'protocolFeesAccrued' });
    if (accrued === 0n) return { finalized, swept: 0n };
    const block = await publicClient.getBlockNumber({ cacheTime: 0 });
    await sendTransaction(ctx, {
      purpose: `keeper:sweep:${block}`,
      ...distributor,
      functionName: 'sweepProtocolFees',
      args: [],
    });
    ctx.logger.info({ amount: accrued.toString(), finalized }, 'keeper swept protocol fees to the treasury');
    return { finalized, swept: accrued };
  });
}

/** Runs keeper passes every `keeper.pollMs` (0: never) until stopped. */
export function startKeeper(ctx: Context): { stop(): Promise<void> } {
  return startPollLoop({
    logger: ctx.logger,
    pollMs: ctx.config.keeper.pollMs,
    pass: () => keeperPass(ctx),
    name: 'keeper',
  });
}
