/**
 * GET /v1/accounts/:address — what a wallet needs before signing: its next create-datanet nonce
 * (read from DatanetRegistry) and whether governance banned it.
 */
import { type AccountView, datanetRegistryAbi } from '@tributary/protocol';
import { Hono } from 'hono';
import { isBanned } from '../../datanets/datanetQueries.js';
import type { AppEnv } from '../app.js';
import { address, parse } from '../validate.js';

export function accountRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/:address', async (c) => {
    const ctx = c.get('ctx');
    const account = parse(address, c.req.param('address'), 'address');
    const nonce = await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'nonces',
      args: [account],
    });
    const view: AccountView = {
      address: account,
      createDatanetNonce: nonce.toString(),
      banned: await isBanned(ctx, account),
    };
    return c.json(view);
  });
  return app;
}
