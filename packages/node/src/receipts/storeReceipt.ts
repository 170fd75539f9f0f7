/**
 * Signs and stores a receipt in the same transaction that turns the call's reservation into the
 * exact charge, into the epoch that is open at that moment.
 */
import { randomBytes } from 'node:crypto';
import { hashReceipt, type Receipt, receiptDomain, receiptMessage, receiptTypes } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import type { Reservation } from '../payments/reservations.js';
import { closeEpoch } from '../settlement/closeEpoch.js';
import { type BuildReceiptParameters, buildReceipt } from './buildReceipt.js';

export type StoredReceipt = { id: Hex; receipt: Receipt; receiptHash: Hex; signature: Hex; salt: Hex };

/** Builds, signs and stores a call's receipt; the reservation is released in the same transaction. */
export async function storeReceipt(
  ctx: Context,
  parameters: Omit<BuildReceiptParameters, 'epoch' | 'chainId' | 'node' | 'signer' | 'feeBefore' | 'salt'>,
  reservation: Reservation,
): Promise<StoredReceipt> {
  return ctx.db.transaction(async (tx) => {
    // The open epoch, locked so that closing it waits for receipts being written into it.
    const openEpoch = () =>
      tx.query<{ epoch: bigint; fee_total: string; protocol_fee_bps: number | null }>(
        "select epoch, fee_total::text as fee_total, protocol_fee_bps from epochs where status = 'open' order by epoch desc limit 1 for update",
      );
    let [open] = await openEpoch();
    // One protocol fee rate per epoch (the contract checks the epoch's total against it).
    if (open!.protocol_fee_bps !== null && open!.protocol_fee_bps !== parameters.protocolFeeBps) {
      await closeEpoch(ctx, tx);
      [open] = await openEpoch();
    }
    if (open!.protocol_fee_bps === null) {
      await tx.query('update epochs set protocol_fee_bps = $2 where epoch = $1', [
        open!.epoch,
        parameters.protocolFeeBps,
      ]);
    }
    const salt = `0x${randomBytes(32).toString('hex')}` as Hex;
    const receipt = buildReceipt({
      ...parameters,
      salt,
      epoch: open!.epoch,
      feeBefore: BigInt(open!.fee_total),
      chainId: ctx.chain.chainId,
      node: ctx.chain.operator.address,
      signer: ctx.chain.signer.address,
    });
    const receiptHash = hashReceipt(receipt);
    const signature = await ctx.chain.signer.signTypedData({
      domain: receiptDomain({
        chainId: ctx.chain.chainId,
        rewardDistributor: ctx.chain.addresses.rewardDistributor,
      }),
      types: receiptTypes,
      primaryType: 'Receipt',
      message: receiptMessage(receipt, receiptHash),
    });
    await tx.query(
      `insert into receipts (id, receipt_hash, epoch, payer, model_id, model_version, fee, input_tokens, output_tokens, receipt, signature, prompt_salt)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        receipt.requestId,
        receiptHash,
        open!.epoch,
        receipt.payer.toLowerCase(),
        receipt.model.id,
        receipt.model.version,
        receipt.fee,
        receipt.input.tokens,
        receipt.output.tokens,
        JSON.stringify(receipt),
        signature,
        salt,
      ],
    );
    const contributions = receipt.attribution.contributions;
    if (contributions.length > 0) {
      // One statement for all of the call's contributions.
      const values = contributions.map(
        (_, i) => `($1, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}, $${i * 5 + 6})`,
      );
      await tx.query(
        `insert into receipt_contributions (receipt_id, contribution_id, contributor, datanet_id, ppm, amount) values ${values.join(', ')}`,
        [
          receipt.requestId,
          ...contributions.flatMap((c) => [
            c.contributionId,
            c.contributor.toLowerCase(),
            c.datanetId,
            c.ppm,
            c.amount,
          ]),
        ],
      );
    }
    await tx.query(
      `insert into payer_unsettled (payer, amount) values ($1, $2)
       on conflict (payer) do update set amount = payer_unsettled.amount + excluded.amount`,
      [receipt.payer.toLowerCase(), receipt.fee],
    );
    await tx.query(
      'update epochs set fee_total = fee_total + $2, receipt_count = receipt_count + 1 where epoch = $1',
      [open!.epoch, receipt.fee],
    );
    await tx.query('delete from reservations where id = $1', [reservation.id]);
    return { id: receipt.requestId, receipt, receiptHash, signature, salt };
  });
}
