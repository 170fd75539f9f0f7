/**
 * Turns a finished call into its receipt: fee from the model's prices and the token counts, the
 * split of the fee, and the data share divided among the attributed contributions (largest
 * remainder in contribution-id order) or, with no attribution, left to the training pool.
 */
import { compareContributionIds } from '@tributary/attribution';
import {
  commitText,
  largestRemainder,
  RECEIPT_VERSION,
  type Receipt,
  type Split,
  splitFee,
} from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';

export type AttributedContribution = {
  contributionId: string;
  contributor: string;
  datanetId: string | null;
  ppm: number;
};

export type BuildReceiptParameters = {
  chainId: number;
  node: Address;
  signer: Address;
  epoch: bigint;
  requestId: Hex;
  payer: Address;
  model: {
    id: string;
    version: number;
    kind: string;
    artifactHash: Hex;
    indexRoot: Hex;
    developer: Address;
    /** The takedown state the model served under. */
    takedowns?: { count: number; root: Hex } | undefined;
  };
  pricing: { pricePerInputToken: bigint; pricePerOutputToken: bigint };
  split: Split;
  protocolFeeBps: number;
  /** Fees of this node's earlier receipts in the same epoch. */
  feeBefore: bigint;
  input: { text: string; tokens: number };
  output: { text: string; tokens: number; finishReason: 'stop' | 'length' | 'cancelled' };
  /** Salts the input and output commitments (given to the payer only). */
  salt: Hex;
  generation: Receipt['generation'];
  attribution: { method: string; contributions: readonly AttributedContribution[] };
  time: number;
};

/** Builds the receipt of one call. */
export function buildReceipt(p: BuildReceiptParameters): Receipt {
  const fee =
    p.pricing.pricePerInputToken * BigInt(p.input.tokens) +
    p.pricing.pricePerOutputToken * BigInt(p.output.tokens);
  const shares = splitFee({ fee, feeBefore: p.feeBefore, protocolFeeBps: p.protocolFeeBps, split: p.split });
  const attributed = [...p.attribution.contributions]
    .filter((c) => c.ppm > 0)
    .sort((a, b) => compareContributionIds(a.contributionId, b.contributionId));
  const amounts =
    attributed.length > 0
      ? largestRemainder({ amount: shares.data, weights: attributed.map((c) => BigInt(c.ppm)) })
      : [];
  return {
    version: RECEIPT_VERSION,
    chainId: p.chainId,
    node: getAddress(p.node),
    signer: getAddress(p.signer),
    epoch: p.epoch.toString(),
    requestId: p.requestId,
    payer: getAddress(p.payer),
    model: {
      id: p.model.id,
      version: p.model.version,
      kind: p.model.kind,
      artifactHash: p.model.artifactHash,
      indexRoot: p.model.indexRoot,
      ...(p.model.takedowns ? { takedowns: p.model.takedowns } : {}),
    },
    input: { sha256: commitText(p.salt, p.input.text), tokens: p.input.tokens },
    output: {
      sha256: commitText(p.salt, p.output.text),
      tokens: p.output.tokens,
      finishReason: p.output.finishReason,
    },
    generation: p.generation,
    pricing: {
      pricePerInputToken: p.pricing.pricePerInputToken.toString(),
      pricePerOutputToken: p.pricing.pricePerOutputToken.toString(),
    },
    fee: fee.toString(),
    split: {
      feeBefore: p.feeBefore.toString(),
      protocolFeeBps: p.protocolFeeBps,
      ...p.split,
      protocol: shares.protocol.toString(),
      compute: shares.compute.toString(),
      developer: shares.developer.toString(),
      data: shares.data.toString(),
      developerAccount: getAddress(p.model.developer),
    },
    attribution: {
      method: p.attribution.method,
      contributions: attributed.map((c, i) => ({
        contributionId: c.contributionId,
        contributor: getAddress(c.contributor),
        datanetId: c.datanetId ?? '0',
        ppm: c.ppm,
        amount: amounts[i]!.toString(),
      })),
      pool: attributed.length > 0 ? '0' : shares.data.toString(),
    },
    time: p.time,
  };
}
