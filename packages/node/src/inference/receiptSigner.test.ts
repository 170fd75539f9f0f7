/**
 * The node's receipt signatures are exactly what viem's `signTypedData` makes for the receipt's
 * EIP-712 message (deterministic), and `verifyReceipt` accepts them.
 */
import {
  ANVIL_PRIVATE_KEYS,
  receiptDomain,
  receiptMessage,
  receiptTypes,
  verifyReceipt,
} from '@tributary/protocol';
import { type Hex, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { buildReceipt } from '../receipts/buildReceipt.js';
import { createReceiptSigner } from './receiptSigner.js';

const key = ANVIL_PRIVATE_KEYS[9]!;
const account = privateKeyToAccount(key);
const [payer, developer, contributor] = ANVIL_PRIVATE_KEYS.slice(2, 5).map(
  (k) => privateKeyToAccount(k).address,
);
const rewardDistributor = privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]!).address;

const receiptOf = (n: number) =>
  buildReceipt({
    chainId: 31337,
    node: account.address,
    signer: account.address,
    epoch: BigInt(n * 977),
    requestId: toHex(n, { size: 32 }),
    payer: payer!,
    model: {
      id: String(n + 1),
      version: 1,
      kind: 'infini-gram',
      artifactHash: `0x${'ab'.repeat(32)}`,
      indexRoot: `0x${'cd'.repeat(32)}`,
      developer: developer!,
    },
    pricing: { pricePerInputToken: BigInt(n), pricePerOutputToken: 10n ** BigInt(n % 30) },
    split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    protocolFeeBps: 250,
    feeBefore: BigInt(n) * 12_345n,
    input: { text: `question ${n}`, tokens: n },
    output: { text: 'answer', tokens: 1 + n, finishReason: 'stop' },
    salt: toHex(n + 7, { size: 32 }) as Hex,
    generation: { maxTokens: 16, temperature: 1, topK: null, seed: n, stop: [] },
    attribution: {
      method: 'infini-gram',
      contributions: [{ contributionId: '1', contributor: contributor!, datanetId: '1', ppm: 1_000_000 }],
    },
    time: 1_700_000_000 + n,
  });

describe('receipt signatures', () => {
  it("are viem's signTypedData signatures, and verify", async () => {
    const sign = createReceiptSigner({ key, chainId: 31337, rewardDistributor });
    const receipts = Array.from({ length: 12 }, (_, n) => receiptOf(n * 3));
    const signed = await sign(receipts);
    for (const [i, receipt] of receipts.entries()) {
      expect(signed[i]!.signature).toBe(
        await account.signTypedData({
          domain: receiptDomain({ chainId: 31337, rewardDistributor }),
          types: receiptTypes,
          primaryType: 'Receipt',
          message: receiptMessage(receipt),
        }),
      );
      const checked = await verifyReceipt({ receipt, signature: signed[i]!.signature, rewardDistributor });
      expect(checked.problems).toEqual([]);
      expect(checked.receiptHash).toBe(signed[i]!.receiptHash);
    }
  });
});
