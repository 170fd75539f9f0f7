/**
 * viem clients for a protocol deployment on any RPC URL.
 */
import {
  type Abi,
  type Account,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193Provider,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
  type WriteContractParameters,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * An account a browser wallet holds (EIP-1193: an extension, a wagmi connector): it signs typed
 * data in the wallet, and its transactions go through the wallet's provider (`eth_sendTransaction`),
 * each approved by the user there. Made by the SDK's `walletAccount`.
 */
export type WalletAccount = LocalAccount & { provider: EIP1193Provider };

const isWalletAccount = (account: Account): account is WalletAccount =>
  'provider' in account && typeof (account as WalletAccount).provider?.request === 'function';

/** A chain description for an RPC endpoint whose id is known (viem needs one to sign). */
export function chainFor({ chainId, rpcUrl }: { chainId: number; rpcUrl: string }): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? 'Anvil' : `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export type ProtocolClients = {
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  account: Account;
};

export type CreateProtocolClientsParameters = {
  rpcUrl: string;
  /** A viem account, a private key, or a wallet's account (transactions then go through the wallet). */
  account: Account | Hex;
  /** The chain id; asked from the RPC when omitted. */
  chainId?: number;
  /** Milliseconds between receipt polls (default viem's, shorter suits Anvil). */
  pollingInterval?: number;
};

/**
 * Public and wallet clients bound to one chain and account.
 *
 * @example
 * const { publicClient, walletClient } = await createProtocolClients({ rpcUrl, account: privateKey });
 */
export async function createProtocolClients(
  parameters: CreateProtocolClientsParameters,
): Promise<ProtocolClients> {
  const { rpcUrl, pollingInterval } = parameters;
  const account =
    typeof parameters.account === 'string' ? privateKeyToAccount(parameters.account) : parameters.account;
  const chainId = parameters.chainId ?? (await createPublicClient({ transport: http(rpcUrl) }).getChainId());
  const chain = chainFor({ chainId, rpcUrl });
  const transport = http(rpcUrl);
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport, ...(pollingInterval ? { pollingInterval } : {}) }),
    // A wallet's account sends through the wallet (a JSON-RPC account there), not by local signing.
    walletClient: isWalletAccount(account)
      ? createWalletClient({
          chain,
          transport: custom(account.provider),
          account: account.address,
          ...(pollingInterval ? { pollingInterval } : {}),
        })
      : createWalletClient({ chain, transport, account, ...(pollingInterval ? { pollingInterval } : {}) }),
  };
}

/**
 * Sends a contract write from the clients' account and waits until it is mined; throws if it
 * reverted (a write with an explicit `gas` skips estimation, so a revert shows only here).
 *
 * @example
 * await writeAndWait(clients, { address: token, abi: tributaryTokenAbi, functionName: 'approve', args: [spender, amount] });
 */
export async function writeAndWait<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, 'payable' | 'nonpayable'>,
  args extends ContractFunctionArgs<abi, 'payable' | 'nonpayable', functionName>,
>(
  { publicClient, walletClient }: Pick<ProtocolClients, 'publicClient' | 'walletClient'>,
  request: Omit<WriteContractParameters<abi, functionName, args, Chain, Account>, 'account' | 'chain'>,
): Promise<TransactionReceipt> {
  const account = walletClient.account;
  // The estimate runs against the newest block; the transaction runs in the next one, where a
  // timestamp-keyed vote checkpoint may be new rather than updated (about 20 k gas more). A margin
  // keeps such a transaction from running out of gas only sometimes.
  const gas =
    request.gas ?? withGasMargin(await publicClient.estimateContractGas({ ...request, account } as never));
  const hash = await walletClient.writeContract({
    ...request,
    gas,
    account,
    chain: walletClient.chain,
  } as WriteContractParameters);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new Error(
      `transaction ${hash} (${String(request.functionName)} on ${request.address}) reverted, using ${receipt.gasUsed} of ${gas} gas`,
    );
  }
  return receipt;
}

/** A gas estimate with room for state that changes before the transaction is mined. */
export const withGasMargin = (estimate: bigint): bigint => (estimate * 12n) / 10n + 25_000n;
