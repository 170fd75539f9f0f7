/**
 * Settlement over REST: epochs and their published data, rewards with claim proofs, earnings and
 * protocol totals, and (for the operator) closing and settling an epoch now.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { addressKey } from '../../chain/chainContext.js';
import { forbidden, notFound } from '../../errors.js';
import {
  contributorEarnings,
  developerEarnings,
  nodeEarnings,
  protocolTotals,
} from '../../settlement/earnings.js';
import { rewardsOf } from '../../settlement/rewards.js';
import { settlementPass } from '../../settlement/settle.js';
import { epochDataHash } from '../../settlement/submitEpoch.js';
import { type AppEnv, requireAccount } from '../app.js';
import { address, parse } from '../validate.js';

const epochParam = z.coerce.number().int().positive();

export function settlementRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settlement/run', async (c) => {
    const ctx = c.get('ctx');
    const account = await requireAccount(ctx, c.req.header('authorization'));
    if (addressKey(account) !== addressKey(ctx.chain.operator.address)) {
      throw forbidden('NOT_OPERATOR', 'only the node operator can run settlement by hand');
    }
    const body = parse(
      z.object({ close: z.boolean().default(true) }),
      await c.req.json().catch(() => ({})),
      'settlement request',
    );
    const settled = await settlementPass(ctx, { closeNow: body.close });
    return c.json({ settled: settled.map(String) });
  });
  app.get('/epochs', async (c) => {
    const ctx = c.get('ctx');
    const rows = await ctx.db.query<Record<string, unknown>>(
      `select e.epoch::text as epoch, e.status, e.receipt_count as "receiptCount", e.fee_total::text as "feeTotal",
              e.opened_at as "openedAt", e.closed_at as "closedAt", s.header, c.status as "chainStatus", c.claimable_at::text as "claimableAt"
       from epochs e left join epoch_settlements s on s.epoch = e.epoch
       left join chain_epochs c on c.epoch = e.epoch and c.node = $1
       order by e.epoch`,
      [addressKey(ctx.chain.operator.address)],
    );
    return c.json({ node: ctx.chain.operator.address, epochs: rows });
  });
  app.get('/epochs/:epoch/data', async (c) => {
    const ctx = c.get('ctx');
    const epoch = BigInt(parse(epochParam, c.req.param('epoch'), 'epoch'));
    const hash = await epochDataHash(ctx, epoch);
    const bytes = hash ? await ctx.blobs.get(hash) : null;
    if (!bytes) throw notFound(`data of epoch ${epoch}`, ['an epoch publishes its data once it is built']);
    return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/json', 'x-data-sha256': hash! });
  });
  app.get('/rewards/:address', async (c) => {
    const ctx = c.get('ctx');
    return c.json(await rewardsOf(ctx, parse(address, c.req.param('address'), 'address')));
  });
  app.get('/earnings/contributors/:address', async (c) =>
    c.json(await contributorEarnings(c.get('ctx'), parse(address, c.req.param('address'), 'address'))),
  );
  app.get('/earnings/developers/:address', async (c) =>
    c.json(await developerEarnings(c.get('ctx'), parse(address, c.req.param('address'), 'address'))),
  );
  app.get('/earnings/node', async (c) => c.json(await nodeEarnings(c.get('ctx'))));
  app.get('/protocol/totals', async (c) => c.json(await protocolTotals(c.get('ctx'))));
  return app;
}
