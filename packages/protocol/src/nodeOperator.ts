/**
 * What a node operator reads and does in NodeRegistry after registering: its status (stake,
 * unstaking, signing key, endpoint), starting to unstake, and withdrawing once the delay is over.
 */
import { type Address, createPublicClient, type Hex, http, type PublicClient, parseEventLogs } from 'viem';
import { createProtocolClients, writeAndWait } from './clients.js';
import type { ProtocolAddresses } from './deploy.js';
import { nodeRegistryAbi, paymentEscrowAbi } from './generated/contracts.js';

/** A node as NodeRegistry (and the operator's own escrow account) records it. */
export type NodeRegistration = {
  operator: Address;
  registered: boolean;
  /** Registered with at least the minimum stake. */
  active: boolean;
  endpoint: string;
  signingKey: Address;
  stake: bigint;
  minStake: bigint;
  /** Tokens waiting out the unstake delay (still slashable). */
  unstaking: bigint;
  /** When `unstaking` can be withdrawn (unix seconds; 0 when nothing is unstaking). */
  unstakeAvailableAt: bigint;
  unstakeDelay: bigint;
  /** The operator's own PaymentEscrow balance (covers payers who cannot pay at settlement). */
  ownEscrow: bigint;
};

export type ReadNodeRegistrationParameters = {
  /** A public client of the chain, or its RPC URL. */
  client: PublicClient | string;
  addresses: ProtocolAddresses;
  operator: Address;
};

/**
 * Reads a node's registration.
 *
 * @example
 * const node = await readNodeRegistration({ client: rpcUrl, addresses, operator });
 * node.active; // registered and staked at least the minimum
 */
export async function readNodeRegistration(p: ReadNodeRegistrationParameters): Promise<NodeRegistration> {
  const client = typeof p.client === 'string' ? createPublicClient({ transport: http(p.client) }) : p.client;
  const registry = { address: p.addresses.nodeRegistry, abi: nodeRegistryAbi } as const;
  const [node, minStake, unstakeDelay, escrow] = await Promise.all([
    client.readContract({ ...registry, functionName: 'getNode', args: [p.operator] }),
    client.readContract({ ...registry, functionName: 'minStake' }),
    client.readContract({ ...registry, functionName: 'unstakeDelay' }),
    client.readContract({
      address: p.addresses.paymentEscrow,
      abi: paymentEscrowAbi,
      functionName: 'accountOf',
      args: [p.operator],
    }),
  ]);
  return {
    operator: p.operator,
    registered: node.registered,
    active: node.registered && node.stake >= minStake,
    endpoint: node.endpoint,
    signingKey: node.signingKey,
    stake: node.stake,
    minStake,
    unstaking: node.unstaking,
    unstakeAvailableAt: node.unstakeAvailableAt,
    unstakeDelay,
    ownEscrow: escrow.balance,
  };
}

export type OperatorParameters = {
  rpcUrl: string;
  addresses: ProtocolAddresses;
  /** The operator's key (the node's identity). */
  operatorKey: Hex;
};

/**
 * Starts unstaking `amount` (restarting the delay for everything unstaking); the node stays
 * slashable until it withdraws.
 */
export async function requestUnstake(
  p: OperatorParameters & { amount: bigint },
): Promise<{ txHash: Hex; amount: bigint; availableAt: bigint }> {
  const clients = await createProtocolClients({
    rpcUrl: p.rpcUrl,
    account: p.operatorKey,
    pollingInterval: 50,
  });
  const receipt = await writeAndWait(clients, {
    address: p.addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'requestUnstake',
    args: [p.amount],
  });
  const [event] = parseEventLogs({
    abi: nodeRegistryAbi,
    logs: receipt.logs,
    eventName: 'NodeUnstakeRequested',
  });
  return { txHash: receipt.transactionHash, amount: p.amount, availableAt: event!.args.availableAt };
}

/** Withdraws every token whose unstake delay is over. */
export async function withdrawUnstaked(p: OperatorParameters): Promise<{ txHash: Hex; amount: bigint }> {
  const clients = await createProtocolClients({
    rpcUrl: p.rpcUrl,
    account: p.operatorKey,
    pollingInterval: 50,
  });
  const receipt = await writeAndWait(clients, {
    address: p.addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'withdrawUnstaked',
  });
  const [event] = parseEventLogs({ abi: nodeRegistryAbi, logs: receipt.logs, eventName: 'NodeUnstaked' });
  return { txHash: receipt.transactionHash, amount: event!.args.amount };
}
