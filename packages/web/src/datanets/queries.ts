/** The datanet queries the pages share (one cache key each, so a write refreshes every view of it). */
import { useQuery } from '@tanstack/react-query';
import { reader } from '../app/reader';

export const datanetKeys = {
  all: ['datanets'] as const,
  one: (id: string) => ['datanets', id] as const,
};

export const useDatanets = () =>
  useQuery({ queryKey: datanetKeys.all, queryFn: () => reader.listDatanets() });

export function useDatanet(id: string) {
  return useQuery({
    queryKey: [...datanetKeys.one(id), 'all'],
    queryFn: async () => {
      const [datanet, contributions, versions, history] = await Promise.all([
        reader.getDatanet(id),
        reader.listContributions(id),
        reader.listVersions(id),
        reader.datanetHistory(id),
      ]);
      return { datanet, contributions, versions, history };
    },
  });
}

export type DatanetData = NonNullable<ReturnType<typeof useDatanet>['data']>;

/** Whether `address` may curate (the owner or a curator). */
export const canCurate = (d: DatanetData['datanet'], address: string | undefined) =>
  Boolean(address) && [d.owner, ...d.curators].some((a) => a.toLowerCase() === address!.toLowerCase());

export const nameOf = (d: { id: string; metadata: Record<string, unknown> | null }) =>
  typeof d.metadata?.name === 'string' ? d.metadata.name : `Datanet ${d.id}`;
