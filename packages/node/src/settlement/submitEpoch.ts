/**
 * Submitting a built epoch: one `settleEpoch` transaction per debit page, in order. Each page's
 * transaction is stored signed before it is broadcast (see transactions.ts) and the chain is
 * asked where the epoch stands before anything is sent, so a restart at any point continues the
 * epoch instead of settling it twice or losing it.
 */
import { EpochStatus, rewardDistributorAbi } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { sendTransaction, TransactionError } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { crashPoint } from '../faults.js';
import type { DebitPage, EpochHeaderJson } from './buildEpoch.js';
import { finishEpoch } from './finishEpoch.js';

type SettlementRow = { header: EpochHeaderJson; pages: DebitPage[]; pages_sent: number };

/** The header as the contract takes it. */
export const headerToChain = (h: EpochHeaderJson) => ({
  epoch: BigInt(h.epoch),
  receiptsRoot: h.receiptsRoot,
  creditsRoot: h.creditsRoot,
  receiptCount: BigInt(h.receiptCount),
  totalFee: BigInt(h.totalFee),
  protocolFee: BigInt(h.protocolFee),
  protocolFeeBps: h.protocolFeeBps,
  pageCount: h.pageCount,
  dataUri: h.dataUri,
});

/** Sends the remaining pages of built epoch `epoch` and waits until it is settled. */
export async function submitEpoch(ctx: Context, epoch: bigint): Promise<void> {
  const [row] = await ctx.db.query<SettlementRow>(
    'select header, pages, pages_sent from epoch_settlements where epoch = $1',
    [epoch],
  );
  if (!row) throw new Error(`epoch ${epoch} has no settlement built`);
  const distributor = { address: ctx.chain.addresses.rewardDistributor, abi: rewardDistributorAbi } as const;
  const node = ctx.chain.operator.address;
  const onChain = await ctx.chain.publicClient.readContract({
    ...distributor,
    functionName: 'getEpoch',
    args: [node, epoch],
  });
  let from = row.pages_sent;
  if (onChain.status === EpochStatus.Settled || onChain.status === EpochStatus.Challenged) {
    if (onChain.creditsRoot.toLowerCase() !== row.header.creditsRoot.toLowerCase()) {
      throw new ApiError(500, 'EPOCH_MISMATCH', `the chain holds another settlement of epoch ${epoch}`, [
        `chain credits root ${onChain.creditsRoot}, ours ${row.header.creditsRoot}`,
      ]);
    }
    from = row.header.pageCount;
  } else if (onChain.status === EpochStatus.Open) {
    from = onChain.pagesDone; // a restart after some pages landed
  } else if (onChain.status === EpochStatus.Voided) {
    await finishEpoch(ctx, epoch, 'voided');
    return;
  } else {
    const state = await ctx.chain.publicClient.readContract({
      ...distributor,
      functionName: 'getNodeState',
      args: [node],
    });
    if (state.lastEpoch !== epoch - 1n) {
      throw new ApiError(
        409,
        'EPOCH_OUT_OF_ORDER',
        `the chain's last epoch of this node is ${state.lastEpoch}; cannot settle ${epoch}`,
      );
    }
  }
  if (from < row.header.pageCount)
    await ctx.db.query("update epochs set status = 'submitted' where epoch = $1", [epoch]);
  const header = headerToChain(row.header);
  for (let page = from; page < row.header.pageCount; page++) {
    const debits = row.pages[page]!;
    let receipt: Awaited<ReturnType<typeof sendTransaction>>;
    try {
      receipt = await sendTransaction(ctx, {
        purpose: `settleEpoch:${epoch}:${page}:${row.header.creditsRoot}`,
        address: ctx.chain.addresses.rewardDistributor,
        abi: rewardDistributorAbi,
        functionName: 'settleEpoch',
        args: [header, page, debits.map((d) => d.payer as Address), debits.map((d) => BigInt(d.amount))],
      });
    } catch (error) {
      // A payer's funds changed since the build (nothing is on-chain yet): build again, which
      // covers what the payer can no longer pay from the node's own escrow.
      if (page === 0 && error instanceof TransactionError && error.code === 'CHAIN_REJECTED') {
        ctx.logger.warn(
          { epoch: Number(epoch), reason: error.details[0] },
          'the chain refused the settlement; rebuilding the epoch',
        );
        await ctx.db.transaction(async (tx) => {
          await tx.query('delete from epoch_credits where epoch = $1', [epoch]);
          await tx.query('delete from epoch_settlements where epoch = $1', [epoch]);
          await tx.query("update epochs set status = 'closed' where epoch = $1", [epoch]);
        });
      }
      throw error;
    }
    await ctx.db.query(
      'update epoch_settlements set pages_sent = greatest(pages_sent, $2) where epoch = $1',
      [epoch, page + 1],
    );
    crashPoint(`settlement:page-${page}-sent`);
    if (page === row.header.pageCount - 1) await ctx.indexer.waitForBlock(receipt.blockNumber);
  }
  await finishEpoch(ctx, epoch, 'settled');
  ctx.logger.info({ epoch: Number(epoch), totalFee: row.header.totalFee }, 'epoch settled on-chain');
}

/** The settlement data blob hash of an epoch (for serving). */
export async function epochDataHash(ctx: Context, epoch: bigint): Promise<Hex | null> {
  const [row] = await ctx.db.query<{ data_hash: string }>(
    'select data_hash from epoch_settlements where epoch = $1',
    [epoch],
  );
  return (row?.data_hash as Hex) ?? null;
}
