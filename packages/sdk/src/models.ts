/**
 * Model and payment actions that the wallet signs as transactions on the chain (registering a
 * model, depositing and authorizing a node), using the RPC URL the node publishes.
 */
import {
  createProtocolClients,
  datanetRegistryAbi,
  licenceFeesDue,
  modelRegistryAbi,
  type NodeInfo,
  paymentEscrowAbi,
  permitTypes,
  type RewardsView,
  rewardDistributorAbi,
  type Split,
  tokenDomain,
  tributaryTokenAbi,
  writeAndWait,
} from '@tributary/protocol';
import { type Address, type Hex, type LocalAccount, parseEventLogs, parseSignature } from 'viem';
import { chainNow } from './chainTime.js';

/** Public and wallet clients for the node's chain, on the RPC URL the node publishes. */
const chainClients = (info: NodeInfo, account: LocalAccount) =>
  createProtocolClients({ rpcUrl: info.rpcUrl, account, chainId: info.chainId, pollingInterval: 100 });

export type RegisterModelParameters = {
  info: NodeInfo;
  account: LocalAccount;
  artifactHash: Hex;
  configHash: Hex;
  datanets: { datanetId: string; version: number }[];
  pricing: { pricePerInputToken: bigint; pricePerOutputToken: bigint };
  split: Split;
  /** The serving node (default: this node). */
  node?: Address;
  metadataHash?: Hex;
};

/**
 * Registers a model in ModelRegistry from the developer's wallet, approving the licence fees of
 * licensed datanets first. Returns the new model id.
 */
export async function registerModelOnChain(
  p: RegisterModelParameters,
): Promise<{ modelId: string; txHash: Hex }> {
  const clients = await chainClients(p.info, p.account);
  const { addresses } = p.info;
  const fees = await licenceFeesDue(clients.publicClient, addresses.datanetRegistry, p.datanets);
  if (fees > 0n) {
    await writeAndWait(clients, {
      address: addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'approve',
      args: [addresses.modelRegistry, fees],
    });
  }
  const receipt = await writeAndWait(clients, {
    address: addresses.modelRegistry,
    abi: modelRegistryAbi,
    functionName: 'registerModel',
    args: [
      {
        node: p.node ?? p.info.node,
        metadataHash: p.metadataHash ?? p.configHash,
        pricing: p.pricing,
        split: p.split,
        artifactHash: p.artifactHash,
        configHash: p.configHash,
        datanets: p.datanets.map((d) => ({ datanetId: BigInt(d.datanetId), version: BigInt(d.version) })),
        // The fees read just now: if an owner raises one meanwhile, the registration reverts.
        maxLicenceFees: fees,
      },
    ],
  });
  const [event] = parseEventLogs({ abi: modelRegistryAbi, logs: receipt.logs, eventName: 'ModelRegistered' });
  return { modelId: event!.args.modelId.toString(), txHash: receipt.transactionHash };
}

/** Deposits into PaymentEscrow with a permit (no approval transaction) and authorizes the node. */
export async function depositAndAuthorize(p: {
  info: NodeInfo;
  account: LocalAccount;
  amount: bigint;
  cap: bigint;
  /** Seconds the authorization lasts (default 30 days). */
  duration?: number;
}): Promise<void> {
  const clients = await chainClients(p.info, p.account);
  const { addresses, chainId } = p.info;
  const now = await chainNow(p.info.rpcUrl);
  const deadline = now + 3600n;
  if (p.amount > 0n) {
    const nonce = await clients.publicClient.readContract({
      address: addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'nonces',
      args: [p.account.address],
    });
    const signature = await p.account.signTypedData({
      domain: tokenDomain({ chainId, verifyingContract: addresses.token }),
      types: permitTypes,
      primaryType: 'Permit',
      message: {
        owner: p.account.address,
        spender: addresses.paymentEscrow,
        value: p.amount,
        nonce,
        deadline,
      },
    });
    const { r, s, yParity } = parseSignature(signature);
    await writeAndWait(clients, {
      address: addresses.paymentEscrow,
      abi: paymentEscrowAbi,
      functionName: 'depositWithPermit',
      args: [p.amount, deadline, 27 + yParity, r, s],
    });
  }
  const expiry = now + BigInt(p.duration ?? 30 * 86_400);
  await writeAndWait(clients, {
    address: addresses.paymentEscrow,
    abi: paymentEscrowAbi,
    functionName: 'authorize',
    args: [p.info.node, p.cap, expiry],
  });
}

/** Sends `RewardDistributor.claim` for a rewards view's claimable part (anyone may pay the gas). */
export async function claimOnChain(p: {
  info: NodeInfo;
  account: LocalAccount;
  rewards: RewardsView;
}): Promise<Hex> {
  const clients = await chainClients(p.info, p.account);
  const c = p.rewards.claimable;
  if (!c) throw new Error(`nothing is claimable for ${p.rewards.account}`);
  const receipt = await writeAndWait(clients, {
    address: p.info.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'claim',
    args: [p.rewards.node, BigInt(c.epoch), p.rewards.account, BigInt(c.cumulativeAmount), c.proof],
  });
  return receipt.transactionHash;
}

/** Challenges a node's epoch within its window, posting the bond it takes (scaled to what it freezes). */
export async function challengeOnChain(p: {
  info: NodeInfo;
  account: LocalAccount;
  node: Address;
  epoch: bigint;
  evidenceHash: Hex;
}) {
  const clients = await chainClients(p.info, p.account);
  const { addresses } = p.info;
  const bond = await clients.publicClient.readContract({
    address: addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'challengeBondFor',
    args: [p.node, p.epoch],
  });
  await writeAndWait(clients, {
    address: addresses.token,
    abi: tributaryTokenAbi,
    functionName: 'approve',
    args: [addresses.rewardDistributor, bond],
  });
  const receipt = await writeAndWait(clients, {
    address: addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'challenge',
    args: [p.node, p.epoch, p.evidenceHash],
  });
  return receipt.transactionHash;
}

/**
 * Posts a curated datanet's contribution bond for `content` from the contributor's wallet (an
 * approval, then `postBond`); upload the same content afterwards. Returns the content hash.
 */
export async function postBondOnChain(p: {
  info: NodeInfo;
  account: LocalAccount;
  datanetId: bigint;
  contentHash: Hex;
}): Promise<{ amount: bigint }> {
  const clients = await chainClients(p.info, p.account);
  const registry = { address: p.info.addresses.datanetRegistry, abi: datanetRegistryAbi } as const;
  const datanet = await clients.publicClient.readContract({
    ...registry,
    functionName: 'getDatanet',
    args: [p.datanetId],
  });
  const amount = datanet.policy.contributionBond;
  if (amount === 0n) return { amount };
  await writeAndWait(clients, {
    address: p.info.addresses.token,
    abi: tributaryTokenAbi,
    functionName: 'approve',
    args: [p.info.addresses.datanetRegistry, amount],
  });
  await writeAndWait(clients, {
    ...registry,
    functionName: 'postBond',
    args: [p.datanetId, p.contentHash, amount],
  });
  return { amount };
}
