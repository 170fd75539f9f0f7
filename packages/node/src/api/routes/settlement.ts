/**
 * Settlement over REST: epochs and their published data, rewards with claim proofs, earnings and
 * protocol totals (aggregates), and (for the operator) closing and settling an epoch now.
 */
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
import { BODY_LIMITS, defineRoute } from '../route.js';
import { address, epochParam } from '../validate.js';
import { earningsView, protocolTotalsView, rewardsView } from '../views.js';

const addressParams = z.object({ address });

export const settlementRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/settlement/run',
    tag: 'settlement',
    summary: 'Operator only: close the open epoch and settle what is due',
    auth: 'apiKey',
    body: {
      kind: 'json',
      schema: z.object({ close: z.boolean().default(true) }),
      maxBytes: BODY_LIMITS.small,
      optional: true,
    },
    responses: { 200: { description: 'epochs settled', schema: z.object({ settled: z.array(z.string()) }) } },
    errors: [403, 503],
    handler: async ({ c, ctx, body, account }) => {
      if (addressKey(account) !== addressKey(ctx.chain.operator.address)) {
        throw forbidden('NOT_OPERATOR', 'only the node operator can run settlement by hand');
      }
      const settled = await settlementPass(ctx, { closeNow: body.close });
      return c.json({ settled: settled.map(String) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/epochs',
    tag: 'settlement',
    summary: 'This node’s epochs and their state on-chain',
    auth: 'none',
    responses: {
      200: {
        description: 'oldest first',
        schema: z.object({ node: z.string(), epochs: z.array(z.record(z.string(), z.unknown())) }),
      },
    },
    handler: async ({ c, ctx }) => {
      const rows = await ctx.db.query<Record<string, unknown>>(
        `select e.epoch::text as epoch, e.status, e.receipt_count as "receiptCount", e.fee_total::text as "feeTotal",
                e.opened_at as "openedAt", e.closed_at as "closedAt", s.header, c.status as "chainStatus", c.claimable_at::text as "claimableAt"
         from epochs e left join epoch_settlements s on s.epoch = e.epoch
         left join chain_epochs c on c.epoch = e.epoch and c.node = $1
         order by e.epoch`,
        [addressKey(ctx.chain.operator.address)],
      );
      return c.json({ node: ctx.chain.operator.address, epochs: rows });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/epochs/:epoch/data',
    tag: 'settlement',
    summary: 'An epoch’s published data (receipts, pool sources, credits) for verifyEpoch',
    auth: 'none',
    params: z.object({ epoch: epochParam }),
    responses: { 200: { description: 'the epoch data (JSON)', contentType: 'application/json' } },
    errors: [404],
    handler: async ({ c, ctx, params }) => {
      const hash = await epochDataHash(ctx, params.epoch);
      const bytes = hash ? await ctx.blobs.get(hash) : null;
      if (!bytes || !hash)
        throw notFound(`data of epoch ${params.epoch}`, ['an epoch publishes its data once it is built']);
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': 'application/json',
        'x-data-sha256': hash,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/rewards/:address',
    tag: 'settlement',
    summary: 'What an account can claim from this node, with the Merkle proof',
    auth: 'none',
    params: addressParams,
    responses: { 200: { description: 'claimable and pending rewards', schema: rewardsView } },
    errors: [503],
    handler: async ({ c, ctx, params }) => c.json(await rewardsOf(ctx, params.address)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/earnings/contributors/:address',
    tag: 'settlement',
    summary: 'A contributor’s earnings by datanet, model and epoch (aggregates)',
    auth: 'none',
    params: addressParams,
    responses: { 200: { description: 'amounts in token base units', schema: earningsView } },
    handler: async ({ c, ctx, params }) => c.json(await contributorEarnings(ctx, params.address)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/earnings/developers/:address',
    tag: 'settlement',
    summary: 'A developer’s shares by model and epoch (aggregates)',
    auth: 'none',
    params: addressParams,
    responses: { 200: { description: 'amounts in token base units', schema: earningsView } },
    handler: async ({ c, ctx, params }) => c.json(await developerEarnings(ctx, params.address)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/earnings/node',
    tag: 'settlement',
    summary: 'This node’s compute shares by epoch',
    auth: 'none',
    responses: { 200: { description: 'amounts in token base units', schema: earningsView } },
    handler: async ({ c, ctx }) => c.json(await nodeEarnings(ctx)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/protocol/totals',
    tag: 'settlement',
    summary: 'Fees paid in and out, the treasury, token emission (zero)',
    auth: 'none',
    responses: { 200: { description: 'totals', schema: protocolTotalsView } },
    errors: [503],
    handler: async ({ c, ctx }) => c.json(await protocolTotals(ctx)),
  }),
];
