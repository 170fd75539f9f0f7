/**
 * Models over REST: build jobs, the catalog of served models, quotes, receipts, the activity log
 * and a payer's funds.
 */

import { Hono } from 'hono';
import { z } from 'zod';
import { quoteCall } from '../../inference/serveCall.js';
import { getBuild, startBuild } from '../../jobs/modelBuilds.js';
import { receiptEvidence } from '../../models/evidence/receiptEvidence.js';
import { catalogEntry, listServedModels } from '../../models/servedModels.js';
import { modelVersionFacts } from '../../models/versionFacts.js';
import { payerFunds } from '../../payments/available.js';
import { getReceipt, listActivity } from '../../receipts/receiptQueries.js';
import { type AppEnv, optionalAccount, requireAccount } from '../app.js';
import { address, decimalId, jsonBody, parse, positiveInt } from '../validate.js';

const datanetRef = z.object({
  datanetId: decimalId,
  version: z.number().int().positive(),
});
// What every kind of build names; `params` differ by kind.
const buildBase = {
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1–64)'),
  datanets: z.array(datanetRef).min(1).max(32),
};
const buildRequest = z.discriminatedUnion('kind', [
  z.object({
    ...buildBase,
    kind: z.literal('infini-gram'),
    params: z
      .object({
        contextTokens: z.number().int().positive().max(1_000_000).optional(),
        maxOutputTokens: z.number().int().positive().max(100_000).optional(),
      })
      .default({}),
  }),
  z.object({
    ...buildBase,
    kind: z.literal('retrieval'),
    params: z
      .object({
        contextTokens: z.number().int().positive().optional(),
        maxOutputTokens: z.number().int().positive().optional(),
        passages: z.number().int().min(1).max(20).optional(),
        upstream: z.string().optional(),
        upstreamModel: z.string().optional(),
      })
      .default({}),
  }),
  z.object({
    ...buildBase,
    kind: z.literal('upstream'),
    params: z.object({
      upstream: z.string().default('default'),
      upstreamModel: z.string().min(1),
      contextTokens: z.number().int().positive().optional(),
      maxOutputTokens: z.number().int().positive().optional(),
    }),
  }),
]);

const evidenceRequest = z.object({ output: z.string() });

const quoteRequest = z.object({
  model: z.string().min(1),
  prompt: z.string().optional(),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .optional(),
  max_tokens: z.number().int().positive().optional(),
});

export function modelRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/models/builds', async (c) => {
    const ctx = c.get('ctx');
    const developer = await requireAccount(ctx, c.req.header('authorization'));
    const body = parse(buildRequest, await jsonBody(c), 'model build request');
    return c.json(await startBuild(ctx, { developer, ...body }), 202);
  });
  app.get('/models/builds/:id', async (c) => c.json(await getBuild(c.get('ctx'), c.req.param('id'))));
  app.get('/models/catalog', async (c) =>
    c.json({ models: (await listServedModels(c.get('ctx'))).map(catalogEntry) }),
  );
  // A model version's public facts: what anyone needs to re-check its receipts from public data.
  app.get('/models/:id/versions/:version', async (c) => {
    const modelId = parse(decimalId, c.req.param('id'), 'model id');
    const version = parse(positiveInt, c.req.param('version'), 'version');
    return c.json(await modelVersionFacts(c.get('ctx'), modelId, version));
  });
  app.post('/quote', async (c) => {
    const ctx = c.get('ctx');
    const body = parse(quoteRequest, await jsonBody(c), 'quote request');
    const quote = await quoteCall(ctx, {
      model: body.model,
      prompt: body.prompt,
      messages: body.messages,
      maxTokens: body.max_tokens,
    });
    const payer = await optionalAccount(ctx, c.req.header('authorization'));
    const funds = payer ? await payerFunds(ctx, payer) : null;
    return c.json({
      model: quote.model.name,
      inputTokens: quote.inputTokens,
      maxOutputTokens: quote.maxTokens,
      pricePerInputToken: quote.model.pricing.pricePerInputToken.toString(),
      pricePerOutputToken: quote.model.pricing.pricePerOutputToken.toString(),
      maxCost: quote.maxCost.toString(),
      ...(funds ? { available: funds.available.toString(), covered: funds.available >= quote.maxCost } : {}),
    });
  });
  app.get('/receipts/:id', async (c) => c.json(await getReceipt(c.get('ctx'), c.req.param('id'))));
  // Proofs that each paid contribution holds a run of the answer (for whoever has the answer).
  app.post('/receipts/:id/evidence', async (c) => {
    const { output } = parse(evidenceRequest, await jsonBody(c), 'evidence request');
    return c.json(await receiptEvidence(c.get('ctx'), c.req.param('id'), output));
  });
  app.get('/activity', async (c) => {
    const q = c.req.query();
    return c.json({
      activity: await listActivity(c.get('ctx'), {
        model: q.model,
        payer: q.payer,
        contributor: q.contributor,
        limit: parse(positiveInt.optional(), q.limit, 'limit'),
        before: q.before,
      }),
    });
  });
  app.get('/payers/:address/funds', async (c) => {
    const ctx = c.get('ctx');
    const payer = parse(address, c.req.param('address'), 'address');
    const funds = await payerFunds(ctx, payer);
    return c.json(Object.fromEntries(Object.entries(funds).map(([k, v]) => [k, v.toString()])));
  });
  return app;
}
