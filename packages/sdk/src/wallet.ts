/**
 * A browser wallet as the SDK's signer: typed data is signed in the wallet (`eth_signTypedData_v4`)
 * and transactions are sent through it (`eth_sendTransaction`), so the user approves every write
 * there. Works with any EIP-1193 provider: an extension's `window.ethereum`, a wagmi connector's.
 */
import type { WalletAccount } from '@tributary/protocol';
import { type Address, createWalletClient, custom, type EIP1193Provider } from 'viem';
import { toAccount } from 'viem/accounts';

export type WalletAccountParameters = { address: Address; provider: EIP1193Provider };

/**
 * The wallet's account at `address`, to pass as `account` to `createTributaryClient`.
 *
 * @example
 * const client = createTributaryClient({ url, account: walletAccount({ address, provider: window.ethereum }) });
 */
export function walletAccount({ address, provider }: WalletAccountParameters): WalletAccount {
  const wallet = createWalletClient({ account: address, transport: custom(provider) });
  const account = toAccount({
    address,
    signMessage: ({ message }) => wallet.signMessage({ message }),
    signTypedData: (typedData) =>
      wallet.signTypedData(typedData as Parameters<typeof wallet.signTypedData>[0]),
    signTransaction: () => {
      throw new Error('a wallet signs and sends its own transactions (eth_sendTransaction)');
    },
  });
  return Object.assign(account, { provider });
}
