/**
 * GET /v1/accounts/:address — what a wallet needs before signing: its next create-datanet nonce
 * (read from DatanetRegistry) and whether governance banned it.
 */
import { type AccountView, datanetRegistryAbi } from '@tributary/protocol';
import { z } from 'zod';
import { isBanned } from '../../datanets/datanetQueries.js';
import { defineRoute } from '../route.js';
import { address } from '../validate.js';
import { accountView } from '../views.js';

export const accountRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/accounts/:address',
    tag: 'accounts',
    summary: 'A wallet’s next create-datanet nonce and ban status',
    auth: 'none',
    params: z.object({ address }),
    responses: { 200: { description: 'the account', schema: accountView } },
    errors: [503],
    handler: async ({ c, ctx, params }) => {
      const nonce = await ctx.chain.publicClient.readContract({
        address: ctx.chain.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'nonces',
        args: [params.address],
      });
      const view: AccountView = {
        address: params.address,
        createDatanetNonce: nonce.toString(),
        banned: await isBanned(ctx, params.address),
      };
      return c.json(view);
    },
  }),
];
