/**
 * Dev accounts (local chain 31337 only): a wagmi connector per Anvil account. Anvil holds their
 * keys unlocked, so signatures (`eth_signTypedData_v4`) and transactions (`eth_sendTransaction`)
 * go to Anvil over RPC, as wagmi's mock connector does; no key ever reaches the page.
 */

import { type Address, type EIP1193RequestFn, numberToHex, RpcRequestError } from 'viem';
import { rpc } from 'viem/utils';
import { createConnector } from 'wagmi';

export type DevAccountParameters = { address: Address; index: number; rpcUrl: string; chainId: number };

export function devAccount({ address, index, rpcUrl, chainId }: DevAccountParameters) {
  const key = `dev-${index}.connected` as const;
  return createConnector<{ request: EIP1193RequestFn }>((config) => {
    const request: EIP1193RequestFn = async ({ method, params }) => {
      if (method === 'eth_accounts' || method === 'eth_requestAccounts') return [address];
      if (method === 'eth_chainId') return numberToHex(chainId);
      if (method === 'wallet_switchEthereumChain') return null;
      const body = { method, params };
      const { error, result } = await rpc.http(rpcUrl, { body });
      if (error) throw new RpcRequestError({ body, error, url: rpcUrl });
      return result;
    };
    const provider = { request };
    return {
      id: `dev-${index}`,
      name: `Dev account #${index}`,
      type: 'devAccount',
      async connect() {
        await config.storage?.setItem(key as never, true as never);
        return { accounts: [address], chainId } as never;
      },
      async disconnect() {
        await config.storage?.removeItem(key as never);
      },
      async getAccounts() {
        return [address];
      },
      async getChainId() {
        return chainId;
      },
      async getProvider() {
        return provider;
      },
      async isAuthorized() {
        return Boolean(await config.storage?.getItem(key as never));
      },
      onAccountsChanged() {},
      onChainChanged() {},
      onDisconnect() {
        config.emitter.emit('disconnect');
      },
    };
  });
}
