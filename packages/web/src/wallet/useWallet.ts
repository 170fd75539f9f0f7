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

  /** The connected wallet's address and EIP-1193 provider, once it is on the node's chain. */
  const walletProvider = async () => {
    if (!address || !connector)
      throw new WalletProblem('Connect a wallet first (the button at the top right).');
    if (wrongChain) {
      throw new WalletProblem(
        `Your wallet is on chain ${chainId}, but this node works on chain ${node.chainId}. Switch network first.`,
      );
    }
    return { address, provider: (await connector.getProvider()) as EIP1193Provider };
  };

  /** A client signing with the wallet; with `login`, one holding an API key (asks for one if needed). */
  const signer: Signer = async ({ login = false } = {}) => {
    const wallet = await walletProvider();
    const client = createTributaryClient({
      url: apiBase,
      account: walletAccount(wallet),
      apiKey: storedApiKey(wallet.address),
    });
    if (login && !client.apiKey) storeApiKey(wallet.address, await client.login({ label: 'web app' }));
    return client;
  };

  return { address, connected, wrongChain, chainId, signer, walletProvider };
}
