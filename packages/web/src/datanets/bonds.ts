/**
 * Bond outcomes from the chain (the truth): returned to the contributor, or moved to forfeit (the
 * contributor may appeal to governance, then it goes to the protocol treasury, never to the owner).
 */
import { useQuery } from '@tanstack/react-query';
import { datanetRegistryAbi } from '@tributary/protocol';
import { usePublicClient } from 'wagmi';
import { useNode } from '../app/node';

export type BondOutcome = {
  kind: 'posted' | 'returned' | 'forfeiting' | 'forfeited';
  amount: bigint;
  txHash: string;
  appealableUntil?: bigint;
};

const key = (contributor: string, contentHash: string) =>
  `${contributor.toLowerCase()}:${contentHash.toLowerCase()}`;

/** The latest bond event per (contributor, content hash) of a datanet; `enabled` only when it asks bonds. */
export function useBondOutcomes(datanetId: string, enabled: boolean) {
  const node = useNode();
  const client = usePublicClient();
  return useQuery({
    queryKey: ['datanets', datanetId, 'bonds'],
    enabled: enabled && Boolean(client),
    queryFn: async () => {
      const outcomes = new Map<string, BondOutcome>();
      const kinds = {
        ContributionBondPosted: 'posted',
        ContributionBondReleased: 'returned',
        ContributionBondForfeitProposed: 'forfeiting',
        ContributionBondForfeited: 'forfeited',
      } as const;
      const logs = await client!.getContractEvents({
        address: node.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        args: { datanetId: BigInt(datanetId) },
        fromBlock: 0n,
      });
      for (const log of logs) {
        const kind = kinds[log.eventName as keyof typeof kinds];
        if (!kind) continue;
        const args = log.args as {
          contributor: string;
          contentHash: string;
          amount?: bigint;
          appealableUntil?: bigint;
        };
        const at = key(args.contributor, args.contentHash);
        outcomes.set(at, {
          kind,
          // A forfeit proposal names no amount: it is the bond posted.
          amount: args.amount ?? outcomes.get(at)?.amount ?? 0n,
          txHash: log.transactionHash,
          ...(args.appealableUntil ? { appealableUntil: args.appealableUntil } : {}),
        });
      }
      return (contributor: string, contentHash: string) => outcomes.get(key(contributor, contentHash));
    },
  });
}
