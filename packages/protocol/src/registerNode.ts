/**
 * Registers a node operator in NodeRegistry (with its signing key's EIP-712 consent) and tops its
 * stake up. Idempotent: what is done already is skipped; a registered node whose endpoint or
 * signing key differs is updated (a new key signs its consent again).
 */
import type { Address, Hex, LocalAccount, TransactionReceipt } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createProtocolClients, type ProtocolClients, writeAndWait } from './clients.js';
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
  /** The stake to hold, in token base units (default, and at least: NodeRegistry's minimum). */
  stake?: bigint;
  /**
   * Tokens the operator keeps in its own PaymentEscrow account, authorizing itself: settlement
   * debits it for what a defaulting payer cannot pay (default 0: none).
   */
  ownEscrow?: bigint;
  /** Called with each transaction sent (what it does and its hash). */
  onTransaction?: (step: string, hash: Hex) => void;
};

/** Registers and stakes the node; returns whether anything was sent. */
export async function registerNode(p: RegisterNodeParameters): Promise<boolean> {
  const node = await createProtocolClients({ rpcUrl: p.rpcUrl, account: p.operatorKey, pollingInterval: 50 });
  const key = privateKeyToAccount(p.signingKey ?? p.operatorKey);
  const registry = { address: p.addresses.nodeRegistry, abi: nodeRegistryAbi } as const;
  let sent = false;
  const note = (step: string, receipt: TransactionReceipt) => {
    p.onTransaction?.(step, receipt.transactionHash);
    sent = true;
  };
  const current = await node.publicClient.readContract({
    ...registry,
    functionName: 'getNode',
    args: [node.account.address],
  });
  if (!current.registered) {
    const { deadline, consent } = await signKeyConsent(node, p.addresses, key);
    note(
      'register',
      await writeAndWait(node, {
        ...registry,
        functionName: 'register',
        args: [p.endpoint, key.address, deadline, consent],
      }),
    );
  } else {
    if (current.endpoint !== p.endpoint) {
      note(
        'update endpoint',
        await writeAndWait(node, { ...registry, functionName: 'updateEndpoint', args: [p.endpoint] }),
      );
    }
    if (current.signingKey.toLowerCase() !== key.address.toLowerCase()) {
      const { deadline, consent } = await signKeyConsent(node, p.addresses, key);
      note(
        'rotate signing key',
        await writeAndWait(node, {
          ...registry,
          functionName: 'rotateSigningKey',
          args: [key.address, deadline, consent],
        }),
      );
    }
  }
  const minStake = await node.publicClient.readContract({ ...registry, functionName: 'minStake' });
  const target = p.stake !== undefined && p.stake > minStake ? p.stake : minStake;
  if (current.stake < target) {
    const top = target - current.stake;
    note(
      'approve stake',
      await writeAndWait(node, {
        address: p.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'approve',
        args: [p.addresses.nodeRegistry, top],
      }),
    );
    note('stake', await writeAndWait(node, { ...registry, functionName: 'stake', args: [top] }));
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
      note(
        'approve escrow',
        await writeAndWait(node, {
          address: p.addresses.token,
          abi: tributaryTokenAbi,
          functionName: 'approve',
          args: [p.addresses.paymentEscrow, top],
        }),
      );
      note('deposit escrow', await writeAndWait(node, { ...escrow, functionName: 'deposit', args: [top] }));
      const expiry = BigInt(Math.floor(Date.now() / 1000) + 365 * 86_400);
      note(
        'authorize self',
        await writeAndWait(node, {
          ...escrow,
          functionName: 'authorize',
          args: [node.account.address, p.ownEscrow, expiry],
        }),
      );
    }
  }
  return sent;
}

/** The signing key's consent to serve `node`'s operator (EIP-712, with the key's registry nonce). */
async function signKeyConsent(
  node: ProtocolClients,
  addresses: ProtocolAddresses,
  key: LocalAccount,
): Promise<{ deadline: bigint; consent: Hex }> {
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const nonce = await node.publicClient.readContract({
    address: addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'nonces',
    args: [key.address as Address],
  });
  const consent = await key.signTypedData({
    domain: nodeRegistryDomain({ chainId: node.chain.id, verifyingContract: addresses.nodeRegistry }),
    types: signingKeyConsentTypes,
    primaryType: 'SigningKeyConsent',
    message: { operator: node.account.address, nonce, deadline },
  });
  return { deadline, consent };
}
