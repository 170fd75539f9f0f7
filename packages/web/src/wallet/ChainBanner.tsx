/** A wallet on another chain than the node's: say so, and offer to switch. */
import { useSwitchChain } from 'wagmi';
import { useNode } from '../app/node';
import { describeError } from './describeError';
import { useChainStatus } from './useChainStatus';

export function ChainBanner() {
  const node = useNode();
  const { wrongChain, chainId } = useChainStatus();
  const { switchChain, isPending, error } = useSwitchChain();
  if (!wrongChain) return null;
  return (
    <div className="banner" role="alert">
      <p>
        Your wallet is on chain {chainId}, but this node works on chain {node.chainId}
        {node.chainId === 31337 ? ' (the local Anvil network)' : ''}. Signatures and transactions would be
        refused there.
      </p>
      <button type="button" disabled={isPending} onClick={() => switchChain({ chainId: node.chainId })}>
        {isPending ? 'Switching…' : `Switch to chain ${node.chainId}`}
      </button>
      {error && <p>{describeError(error).title}</p>}
    </div>
  );
}
