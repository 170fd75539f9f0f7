/**
 * Hashes and signs receipts (EIP-712, the RewardDistributor's domain) with the node's signing key.
 * Runs in the pool's workers, and on the request thread for a lone receipt (see runnerPool.sign).
 */
import { hashReceipt, type Receipt, receiptDomain, receiptMessage, receiptTypes } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import type { HostSetup, SignedReceipt } from './poolMessages.js';

export type ReceiptSigner = (receipts: readonly Receipt[]) => Promise<SignedReceipt[]>;

export function createReceiptSigner(signing: HostSetup['signing']): ReceiptSigner {
  const signer = privateKeyToAccount(signing.key);
  const domain = receiptDomain({ chainId: signing.chainId, rewardDistributor: signing.rewardDistributor });
  return async (receipts) => {
    const signed: SignedReceipt[] = [];
    for (const receipt of receipts) {
      const receiptHash = hashReceipt(receipt);
      const signature = await signer.signTypedData({
        domain,
        types: receiptTypes,
        primaryType: 'Receipt',
        message: receiptMessage(receipt, receiptHash),
      });
      signed.push({ receiptHash, signature });
    }
    return signed;
  };
}
