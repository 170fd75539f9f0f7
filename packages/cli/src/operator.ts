/**
 * Where the `tributary node` operator commands find the deployment: --rpc, --addresses (or the
 * node's home) and --key — the same environment variables the node reads (RPC_URL,
 * ADDRESSES_FILE, OPERATOR_KEY, SIGNING_KEY), so one environment serves both.
 */
import { join, resolve } from 'node:path';
import { type ProtocolAddresses, readDeployment } from '@tributary/protocol';
import { parseUrl } from './args.js';
import { UsageError } from './failure.js';

export type DeploymentOptions = {
  rpc?: string | undefined;
  addresses?: string | undefined;
  home?: string | undefined;
};

/** The RPC URL and protocol addresses named by the options. */
export function deploymentFrom(values: DeploymentOptions): {
  rpcUrl: string;
  addresses: ProtocolAddresses;
  addressesFile: string;
} {
  const rpcUrl = parseUrl(values.rpc ?? 'http://127.0.0.1:8545', '--rpc');
  const addressesFile = resolve(values.addresses ?? join(values.home ?? '.tributary', 'addresses.json'));
  const record = readDeployment(addressesFile);
  if (!record || Object.keys(record.addresses).length < 9) {
    throw new UsageError(
      `no complete deployment in ${addressesFile}`,
      'pass --addresses FILE (written by `tributary deploy`), or --home of a node that has one',
    );
  }
  return { rpcUrl, addresses: record.addresses as ProtocolAddresses, addressesFile };
}
