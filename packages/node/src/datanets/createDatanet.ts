/**
 * Creates a datanet from its owner's EIP-712 signature: the node relays the transaction (and
 * pays its gas), so an owner needs no native tokens. The signed request usually names this node
 * as curator, so the node can commit versions for the owner.
 */
import {
  createDatanetTypes,
  datanetRegistryAbi,
  datanetRegistryDomain,
  metadataHashOf,
  policyToChain,
} from '@tributary/protocol';
import { type Address, type Hex, hashTypedData, parseEventLogs } from 'viem';
import { verifySignature } from '../auth/verifySignature.js';
import { addressKey } from '../chain/chainContext.js';
import { findOutgoing, sendTransaction } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { conflict } from '../errors.js';
import { type DatanetView, getDatanet, type PolicyView } from './datanetQueries.js';
import { storeMetadata } from './metadata.js';

export type CreateDatanetParameters = {
  owner: Address;
  metadata: Record<string, unknown>;
  policy: PolicyView;
  curator: Address;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
};

/**
 * Checks the owner's signature, stores the metadata document and relays `createDatanetBySig`;
 * returns the new datanet once indexed.
 *
 * @example
 * const datanet = await createDatanet(ctx, { owner, metadata, policy, curator: node, nonce, deadline, signature });
 */
export async function createDatanet(ctx: Context, parameters: CreateDatanetParameters): Promise<DatanetView> {
  const request = {
    owner: parameters.owner,
    metadataHash: metadataHashOf(parameters.metadata),
    policy: policyToChain(parameters.policy),
    curator: parameters.curator,
    nonce: parameters.nonce,
    deadline: parameters.deadline,
  };
  const typedData = {
    domain: datanetRegistryDomain({
      chainId: ctx.chain.chainId,
      verifyingContract: ctx.chain.addresses.datanetRegistry,
    }),
    types: createDatanetTypes,
    primaryType: 'CreateDatanet',
    message: request,
  } as const;
  // Checked first, so a bad signature is a clear 401 (not a reverted relay) and stores nothing.
  await verifySignature(ctx, {
    signer: parameters.owner,
    ...typedData,
    signature: parameters.signature,
    deadline: parameters.deadline,
    what: 'create-datanet',
  });
  const expected = await ctx.chain.publicClient.readContract({
    address: ctx.chain.addresses.datanetRegistry,
    abi: datanetRegistryAbi,
    functionName: 'nonces',
    args: [parameters.owner],
  });
  // The relay's key binds the signed message itself: a different request with the same nonce (after
  // the chain lost the first one's block, say) is a different relay, never the old one's receipt.
  const purpose = `createDatanet:${addressKey(parameters.owner)}:${parameters.nonce}:${hashTypedData(typedData)}`;
  // A nonce the registry already consumed is fine when this node relayed this very message (a retry).
  if (expected !== parameters.nonce && !(await findOutgoing(ctx, purpose))) {
    throw conflict(
      'NONCE_REPLAYED',
      `nonce ${parameters.nonce} is not ${parameters.owner}'s next create-datanet nonce`,
      [`the registry expects nonce ${expected}`],
    );
  }
  await storeMetadata(ctx, { document: parameters.metadata, storedBy: parameters.owner, charge: false });
  const receipt = await sendTransaction(ctx, {
    purpose,
    address: ctx.chain.addresses.datanetRegistry,
    abi: datanetRegistryAbi,
    functionName: 'createDatanetBySig',
    args: [request, parameters.signature],
  });
  const [created] = parseEventLogs({
    abi: datanetRegistryAbi,
    logs: receipt.logs,
    eventName: 'DatanetCreated',
  });
  if (!created)
    throw new Error(`createDatanetBySig mined in ${receipt.transactionHash} without DatanetCreated`);
  await ctx.indexer.waitForBlock(receipt.blockNumber);
  return getDatanet(ctx, created.args.datanetId.toString());
}
