/**
 * A model version's lineage for auditors: `GET /v1/models/:id/lineage[?version=N]` as JSON (the
 * `ModelLineage` of @tributary/protocol) and `…/lineage/report` as a readable Markdown report.
 */
import { lineageReport } from '@tributary/protocol';
import { z } from 'zod';
import { buildModelLineage } from '../../lineage/modelLineage.js';
import { modelLineageView } from '../lineageView.js';
import { defineRoute } from '../route.js';
import { decimalId, positiveInt } from '../validate.js';

const params = z.object({ id: decimalId });
const query = z.object({
  version: positiveInt.optional().meta({ description: 'the model version (default: its latest)' }),
});
const description =
  'Datanet versions with manifest roots and the transactions that committed them, contributors, licences and ' +
  'takedowns; the developer, the serving node, the artifact hash and how to rebuild it; governance decisions ' +
  'that touched the model; calls and payouts (on the serving node). `verifyLineage` (@tributary/protocol) and ' +
  '`tributary lineage --check` re-read every on-chain claim from the contracts.';

export const lineageRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/models/:id/lineage',
    tag: 'models',
    summary: 'A model version’s lineage, for auditors (JSON)',
    description,
    auth: 'none',
    params,
    query,
    responses: { 200: { description: 'the lineage', schema: modelLineageView } },
    errors: [404],
    handler: async ({ c, ctx, params, query }) =>
      c.json(await buildModelLineage(ctx, params.id, query.version)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/models/:id/lineage/report',
    tag: 'models',
    summary: 'A model version’s lineage as a readable report (Markdown)',
    description,
    auth: 'none',
    params,
    query,
    responses: { 200: { description: 'the report', contentType: 'text/markdown' } },
    errors: [404],
    handler: async ({ c, ctx, params, query }) =>
      c.body(lineageReport(await buildModelLineage(ctx, params.id, query.version)), 200, {
        'content-type': 'text/markdown; charset=utf-8',
      }),
  }),
];
