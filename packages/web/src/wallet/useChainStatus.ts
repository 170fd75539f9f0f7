/** Who is connected and whether the wallet is on the node's chain (no SDK: the shell uses it). */
import { useAccount } from 'wagmi';
import { useNode } from '../app/node';

export function useChainStatus() {
  const node = useNode();
  const { address, connector, chainId, status } = useAccount();
  const connected = status === 'connected' && Boolean(address);
  return { address, connector, chainId, connected, wrongChain: connected && chainId !== node.chainId };
}
