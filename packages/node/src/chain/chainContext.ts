/**
 * The node's view of the chain: clients, its accounts, and the deployment it serves.
 */
import {
  createProtocolClients,
  type ProtocolAddresses,
  type ProtocolClients,
  readDeployment,
} from '@tributary/protocol';
import type { Address, Hex, LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Config } from '../config.js';
import { unavailable } from '../errors.js';

export type ChainContext = ProtocolClients & {
  chainId: number;
  addresses: ProtocolAddresses;
  /** First block of the deployment (where the indexer starts). */
  startBlock: bigint;
  /** The operator account: sends the node's transactions. */
  operator: LocalAccount;
  /** The account that signs receipts. */
  signer: LocalAccount;
};

/** Connects to the chain named in the config and loads the deployment's addresses. */
export async function createChainContext(config: Config): Promise<ChainContext> {
  const record = readDeployment(config.addressesFile!);
  if (!record || Object.keys(record.addresses).length < 9) {
    throw unavailable(`no complete deployment in ${config.addressesFile}`, [
      'deploy the contracts first (`tributary dev` does it for a local network)',
      'or set ADDRESSES_FILE to the deployment of the chain at RPC_URL',
    ]);
  }
  const operator = privateKeyToAccount(config.operatorKey as Hex);
  let clients: ProtocolClients;
  try {
    clients = await createProtocolClients({ rpcUrl: config.rpcUrl, account: operator, pollingInterval: 100 });
  } catch (cause) {
    throw unavailable(
      `cannot reach the chain at ${config.rpcUrl}`,
      ['is the RPC running? set RPC_URL'],
      cause,
    );
  }
  if (clients.chain.id !== record.chainId) {
    throw unavailable(
      `the RPC is chain ${clients.chain.id} but ${config.addressesFile} is for chain ${record.chainId}`,
    );
  }
  return {
    ...clients,
    chainId: clients.chain.id,
    addresses: record.addresses as ProtocolAddresses,
    startBlock: BigInt(record.startBlock),
    operator,
    signer: config.signingKey ? privateKeyToAccount(config.signingKey as Hex) : operator,
  };
}

/** Lower-case form used as the database key of an address. */
export const addressKey = (address: Address | string) => address.toLowerCase();
