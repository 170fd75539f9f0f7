/** The wagmi configuration for the node's chain: a browser wallet, and on chain 31337 the dev accounts. */
import type { NodeInfo } from '@tributary/protocol';
import { type Address, createPublicClient, defineChain, http } from 'viem';
import { createConfig, injected } from 'wagmi';
import { devAccount } from './devConnector';

export const DEV_CHAIN_ID = 31337;

/** The accounts Anvil holds unlocked (only asked on the local chain). */
export async function devAccounts(info: NodeInfo): Promise<Address[]> {
  if (info.chainId !== DEV_CHAIN_ID) return [];
  const client = createPublicClient({ transport: http(info.rpcUrl) });
  // A wallet method, not in the public client's typed list; Anvil answers it with its unlocked accounts.
  const ask = client.request as (args: { method: 'eth_accounts' }) => Promise<Address[]>;
  return ask({ method: 'eth_accounts' }).catch(() => []);
}

export function createWagmiConfig(info: NodeInfo, accounts: readonly Address[]) {
  const chain = defineChain({
    id: info.chainId,
    name: info.chainId === DEV_CHAIN_ID ? 'Anvil (local)' : `Chain ${info.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [info.rpcUrl] } },
  });
  return createConfig({
    chains: [chain],
    connectors: [
      injected(),
      ...accounts.map((address, index) =>
        devAccount({ address, index, rpcUrl: info.rpcUrl, chainId: info.chainId }),
      ),
    ],
    transports: { [chain.id]: http(info.rpcUrl) },
    multiInjectedProviderDiscovery: true,
  });
}
