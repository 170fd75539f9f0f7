/**
 * Registers a node operator in NodeRegistry (with its signing key's EIP-712 consent) and tops its
 * stake up to the minimum. Idempotent: what is done already is skipped.
 */
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createProtocolClients, writeAndWait } from './clients.js';
import type { ProtocolAddresses } from './deploy.js';
import { nodeRegistryDomain, signingKeyConsentTypes } from './eip712.js';
import { nodeRegistryAbi, paymentEscrowAbi, tributaryTokenAbi } from './generated/contracts.js';

export type RegisterNodeParameters = {
  rpcUrl: string;
  addresses: ProtocolAddresses;
  /** The operator's key: its address is the node's identity; it pays gas and the stake. */
  operatorKey: Hex;
  /** The key that will sign receipts (default: the operator key). */
  signingKey?: Hex;
  endpoint: string;
  /**
   * Tokens the operator keeps in its own PaymentEscrow account, authorizing itself: settlement
   * debits it for what a defaulting payer cannot pay (default 0: none).
   */
  ownEscrow?: bigint;
};

/** Registers and stakes the node; returns whether anything was sent. */
export async function registerNode(p: RegisterNodeParameters): Promise<boolean> {
  const node = await createProtocolClients({ rpcUrl: p.rpcUrl, account: p.operatorKey, pollingInterval: 50 });
  const key = privateKeyToAccount(p.signingKey ?? p.operatorKey);
  const registry = { address: p.addresses.nodeRegistry, abi: nodeRegistryAbi } as const;
  let sent = false;
  if (
    !(await node.publicClient.readContract({
      ...registry,
      functionName: 'isRegistered',
      args: [node.account.address],
    }))
  ) {
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const nonce = await node.publicClient.readContract({
      ...registry,
      functionName: 'nonces',
      args: [key.address],
    });
    const consent = await key.signTypedData({
      domain: nodeRegistryDomain({ chainId: node.chain.id, verifyingContract: p.addresses.nodeRegistry }),
      types: signingKeyConsentTypes,
      primaryType: 'SigningKeyConsent',
      message: { operator: node.account.address, nonce, deadline },
    });
    await writeAndWait(node, {
      ...registry,
      functionName: 'register',
      args: [p.endpoint, key.address, deadline, consent],
    });
    sent = true;
  }
  const minStake = await node.publicClient.readContract({ ...registry, functionName: 'minStake' });
  const { stake } = await node.publicClient.readContract({
    ...registry,
    functionName: 'getNode',
    args: [node.account.address],
  });
  if (stake < minStake) {
    await writeAndWait(node, {
      address: p.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'approve',
      args: [p.addresses.nodeRegistry, minStake - stake],
    });
    await writeAndWait(node, { ...registry, functionName: 'stake', args: [minStake - stake] });
    sent = true;
  }
  if (p.ownEscrow && p.ownEscrow > 0n) {
    const escrow = { address: p.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
    const account = await node.publicClient.readContract({
      ...escrow,
      functionName: 'accountOf',
      args: [node.account.address],
    });
    if (account.balance < p.ownEscrow) {
      const top = p.ownEscrow - account.balance;
      await writeAndWait(node, {
        address: p.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'approve',
        args: [p.addresses.paymentEscrow, top],
      });
      await writeAndWait(node, { ...escrow, functionName: 'deposit', args: [top] });
      const expiry = BigInt(Math.floor(Date.now() / 1000) + 365 * 86_400);
      await writeAndWait(node, {
        ...escrow,
        functionName: 'authorize',
        args: [node.account.address, p.ownEscrow, expiry],
      });
      sent = true;
    }
  }
  return sent;
}
