/**
 * The connected wallet as the app uses it: who it is, whether it is on the node's chain, and a
 * signing SDK client for writes (each write is a signature or a transaction the user approves).
 */
import { createTributaryClient, type TributaryClient, walletAccount } from '@tributary/sdk';
import type { EIP1193Provider } from 'viem';
import { apiBase, useNode } from '../app/node';
import { storeApiKey, storedApiKey } from './apiKeys';
import { WalletProblem } from './describeError';
import { useChainStatus } from './useChainStatus';

export type Signer = (options?: { login?: boolean }) => Promise<TributaryClient>;

export function useWallet() {
  const node = useNode();
  const { address, connector, chainId, connected, wrongChain } = useChainStatus();

  /** A client signing with the wallet; with `login`, one holding an API key (asks for one if needed). */
  const signer: Signer = async ({ login = false } = {}) => {
    if (!address || !connector)
      throw new WalletProblem('Connect a wallet first (the button at the top right).');
    if (wrongChain) {
      throw new WalletProblem(
        `Your wallet is on chain ${chainId}, but this node works on chain ${node.chainId}. Switch network first.`,
      );
    }
    const provider = (await connector.getProvider()) as EIP1193Provider;
    const client = createTributaryClient({
      url: apiBase,
      account: walletAccount({ address, provider }),
      apiKey: storedApiKey(address),
    });
    if (login && !client.apiKey) storeApiKey(address, await client.login({ label: 'web app' }));
    return client;
  };

  return { address, connected, wrongChain, chainId, signer };
}
