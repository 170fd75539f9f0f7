/** Bond outcomes from the chain (the truth): returned to the contributor or forfeited to the owner. */
import { useQuery } from '@tanstack/react-query';
import { datanetRegistryAbi } from '@tributary/protocol';
import { usePublicClient } from 'wagmi';
import { useNode } from '../app/node';

export type BondOutcome = { kind: 'posted' | 'returned' | 'forfeited'; amount: bigint; txHash: string };

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
        const args = log.args as { contributor: string; contentHash: string; amount: bigint };
        outcomes.set(key(args.contributor, args.contentHash), {
          kind,
          amount: args.amount,
          txHash: log.transactionHash,
        });
      }
      return (contributor: string, contentHash: string) => outcomes.get(key(contributor, contentHash));
    },
  });
}
