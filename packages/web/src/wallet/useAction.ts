/**
 * A write as a mutation: it gets a signing client (and an API key when the node needs one), runs,
 * and refreshes the queries it changed. A key the node no longer knows (401) is replaced once.
 */

import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { TributaryApiError, type TributaryClient } from '@tributary/sdk';
import { storeApiKey } from './apiKeys';
import { useWallet } from './useWallet';

export type UseActionOptions = { login?: boolean; invalidates?: QueryKey[] };

export function useAction<A, T>(
  run: (client: TributaryClient, args: A) => Promise<T>,
  { login = false, invalidates = [] }: UseActionOptions = {},
) {
  const wallet = useWallet();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (args: A) => {
      const client = await wallet.signer({ login });
      try {
        return await run(client, args);
      } catch (error) {
        if (!(login && error instanceof TributaryApiError && error.status === 401 && wallet.address))
          throw error;
        storeApiKey(wallet.address, undefined);
        return run(await wallet.signer({ login }), args);
      }
    },
    onSettled: () => Promise.all(invalidates.map((queryKey) => queries.invalidateQueries({ queryKey }))),
  });
}
