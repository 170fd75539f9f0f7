/**
 * Models over REST: build jobs, the catalog of served models, quotes, receipts, the activity log
 * (each party sees its own calls; the public sees aggregates) and a payer's funds.
 */

import type { Hex } from 'viem';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { quoteCall } from '../../inference/serveCall.js';
import { getBuild, startBuild } from '../../jobs/modelBuilds.js';
import { receiptEvidence } from '../../models/evidence/receiptEvidence.js';
import { catalogEntry, listServedModels } from '../../models/servedModels.js';
import { modelVersionFacts } from '../../models/versionFacts.js';
import { payerFunds } from '../../payments/available.js';
import { getReceipt, listActivity, modelUsage } from '../../receipts/receiptQueries.js';
import { BODY_LIMITS, defineRoute } from '../route.js';
import { address, decimalId, isoTime, positiveInt, storedText, versionParam } from '../validate.js';
import {
  activityAggregate,
  activityEntry,
  buildView,
  catalogModel,
  fundsView,
  modelVersionView,
  quoteView,
  receiptEvidenceView,
  receiptView,
} from '../views.js';

const datanetRef = z.object({
  datanetId: decimalId,
  version: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
const upstreamName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'an upstream name from the node config (letters, digits, . _ -)');
const upstreamModel = storedText.min(1).max(200);
// What every kind of build names; `params` differ by kind.
const buildBase = {
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1–64)'),
  datanets: z.array(datanetRef).min(1).max(32),
};
const tokenLimit = (max: number) => z.number().int().positive().max(max);
const buildRequest = z.discriminatedUnion('kind', [
  z.object({
    ...buildBase,
    kind: z.literal('infini-gram'),
    params: z
      .object({
        contextTokens: tokenLimit(1_000_000).optional(),
        maxOutputTokens: tokenLimit(100_000).optional(),
      })
      .default({}),
  }),
  z.object({
    ...buildBase,
    kind: z.literal('retrieval'),
    params: z
      .object({
        contextTokens: tokenLimit(1_000_000).optional(),
        maxOutputTokens: tokenLimit(100_000).optional(),
        passages: z.number().int().min(1).max(20).optional(),
        upstream: upstreamName.optional(),
        upstreamModel: upstreamModel.optional(),
      })
      .default({}),
  }),
  z.object({
    ...buildBase,
    kind: z.literal('upstream'),
    params: z.object({
      upstream: upstreamName.default('default'),
      upstreamModel,
      contextTokens: tokenLimit(1_000_000).optional(),
      maxOutputTokens: tokenLimit(100_000).optional(),
    }),
  }),
]);

const evidenceRequest = z.object({
  output: z.string().meta({ description: 'the answer, exactly as received' }),
  salt: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'a salt (0x + 64 hex digits)')
    .optional()
    .meta({
      description: 'the salt of the receipt’s commitments (`prompt_salt`); absent for unsalted receipts',
    }),
});

const quoteRequest = z.object({
  model: z.string().min(1).max(200),
  prompt: z.string().optional(),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .max(1_000)
    .optional(),
  max_tokens: z.number().int().positive().max(100_000).optional(),
});

const activityQuery = z.object({
  as: z.enum(['payer', 'contributor', 'developer']).optional().meta({
    description: 'whose view: your calls (payer, the default), your shares as contributor or developer',
  }),
  model: decimalId.optional(),
  payer: address.optional().meta({ description: 'must be your own address (shorthand for as=payer)' }),
  contributor: address.optional().meta({ description: 'must be your own address (as=contributor)' }),
  developer: address.optional().meta({ description: 'must be your own address (as=developer)' }),
  limit: positiveInt.optional(),
  before: isoTime
    .optional()
    .meta({ description: 'cursor: the `time` of the last entry of the previous page' }),
});

export const modelRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/models/builds',
    tag: 'models',
    summary: 'Build a model from exact datanet versions',
    auth: 'apiKey',
    body: { kind: 'json', schema: buildRequest, maxBytes: BODY_LIMITS.small },
    responses: { 202: { description: 'queued; poll GET /v1/models/builds/{id}', schema: buildView } },
    errors: [403, 404],
    handler: async ({ c, ctx, body, account }) => {
      const upstream = 'upstream' in body.params ? body.params.upstream : undefined;
      // Own properties only: `constructor` or `__proto__` name no upstream (and no credentials).
      if (upstream !== undefined && !Object.hasOwn(ctx.config.upstreams, upstream)) {
        throw badRequest(`this node has no upstream named "${upstream}"`, [
          'build against an upstream the node operator configured (UPSTREAM_URL or "upstreams" in its config)',
        ]);
      }
      return c.json(await startBuild(ctx, { developer: account, ...body }), 202);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/models/builds/:id',
    tag: 'models',
    summary: 'A build’s state and progress',
    auth: 'none',
    params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'a build id (24 hex digits)') }),
    responses: { 200: { description: 'the build', schema: buildView } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json(await getBuild(ctx, params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/models/catalog',
    tag: 'models',
    summary: 'Models this node serves, with lineage and prices',
    auth: 'none',
    responses: { 200: { description: 'the catalog', schema: z.object({ models: z.array(catalogModel) }) } },
    handler: async ({ c, ctx }) => c.json({ models: (await listServedModels(ctx)).map(catalogEntry) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/models/:id/versions/:version',
    tag: 'models',
    summary: 'A model version’s public facts (to re-check its receipts from public data)',
    description:
      'Its configuration, the registered artifact’s file list (which hashes to the on-chain artifact hash), and ' +
      'every artifact the node derived from it after takedowns (the contributions each leaves out, its hash and index root).',
    auth: 'none',
    params: z.object({ id: decimalId, version: versionParam }),
    responses: { 200: { description: 'the model version', schema: modelVersionView } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json(await modelVersionFacts(ctx, params.id, params.version)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/models/:id/usage',
    tag: 'models',
    summary: 'A model’s calls, tokens and fees by day (public aggregates)',
    auth: 'none',
    params: z.object({ id: decimalId }),
    responses: {
      200: { description: 'newest day first', schema: z.object({ usage: z.array(activityAggregate) }) },
    },
    handler: async ({ c, ctx, params }) => c.json({ usage: await modelUsage(ctx, params.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/quote',
    tag: 'models',
    summary: 'What a call would cost at most (and, with a key, whether your funds cover it)',
    auth: 'optionalApiKey',
    body: { kind: 'json', schema: quoteRequest, maxBytes: BODY_LIMITS.prompt },
    responses: { 200: { description: 'the quote', schema: quoteView } },
    errors: [404],
    handler: async ({ c, ctx, body, account }) => {
      const quote = await quoteCall(ctx, {
        model: body.model,
        prompt: body.prompt,
        messages: body.messages,
        maxTokens: body.max_tokens,
      });
      const funds = account ? await payerFunds(ctx, account) : null;
      return c.json({
        model: quote.model.name,
        inputTokens: quote.inputTokens,
        maxOutputTokens: quote.maxTokens,
        pricePerInputToken: quote.model.pricing.pricePerInputToken.toString(),
        pricePerOutputToken: quote.model.pricing.pricePerOutputToken.toString(),
        maxCost: quote.maxCost.toString(),
        ...(funds
          ? { available: funds.available.toString(), covered: funds.available >= quote.maxCost }
          : {}),
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/receipts/:id',
    tag: 'models',
    summary: 'A signed receipt',
    description:
      'Receipts are public (an epoch publishes them for verification); their input and output commitments are ' +
      'salted. The payer (with its API key) also gets `promptSalt`, which verification with the prompt needs.',
    auth: 'optionalApiKey',
    params: z.object({
      id: z.string().regex(/^0x[0-9a-f]{64}$/, 'a receipt id (0x + 64 lower-case hex digits)'),
    }),
    responses: { 200: { description: 'the receipt and the node’s signature', schema: receiptView } },
    errors: [404],
    handler: async ({ c, ctx, params, account }) => c.json(await getReceipt(ctx, params.id, account)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/receipts/:id/evidence',
    tag: 'models',
    summary: 'Proofs that each contribution a receipt pays holds a run of its answer',
    description:
      'For whoever has the answer and its salt (the payer, or anyone the payer gives them to): for each paid ' +
      'contribution, a run of the answer’s tokens and a Merkle proof that it lies in that contribution’s salted ' +
      'token tree, whose root the datanet version’s manifest commits on-chain. Reveals nothing of the ' +
      'contribution beyond the run, so receipts of licensed datanets, and of content taken down since, can be ' +
      'checked without the text (`tributary verify-receipt`).',
    auth: 'none',
    params: z.object({
      id: z.string().regex(/^0x[0-9a-f]{64}$/, 'a receipt id (0x + 64 lower-case hex digits)'),
    }),
    body: { kind: 'json', schema: evidenceRequest, maxBytes: BODY_LIMITS.prompt },
    responses: {
      200: { description: 'the evidence, one entry per paid contribution', schema: receiptEvidenceView },
    },
    errors: [404],
    handler: async ({ c, ctx, params, body }) =>
      c.json(await receiptEvidence(ctx, params.id, body.output, body.salt as Hex | undefined)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/activity',
    tag: 'models',
    summary: 'Your calls (as payer) or your shares of calls (as contributor or developer), newest first',
    description: 'Only your own: naming another account is a 403. Public usage: GET /v1/models/{id}/usage.',
    auth: 'apiKey',
    query: activityQuery,
    responses: { 200: { description: 'entries', schema: z.object({ activity: z.array(activityEntry) }) } },
    errors: [403],
    handler: async ({ c, ctx, query, account }) =>
      c.json({ activity: await listActivity(ctx, { ...query, account }) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/payers/:address/funds',
    tag: 'models',
    summary: 'A payer’s escrow balance, authorization and what it can still spend here',
    auth: 'none',
    params: z.object({ address }),
    responses: { 200: { description: 'amounts in token base units', schema: fundsView } },
    handler: async ({ c, ctx, params }) => {
      const funds = await payerFunds(ctx, params.address);
      return c.json(Object.fromEntries(Object.entries(funds).map(([k, v]) => [k, v.toString()])));
    },
  }),
];
