/**
 * A model version's lineage for auditors: `GET /v1/models/:id/lineage[?version=N][&format=markdown]`
 * — JSON (the `ModelLineage` of @tributary/protocol), or a readable Markdown report with
 * `format=markdown` or `Accept: text/markdown`.
 */
import { lineageReport } from '@tributary/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import { buildModelLineage } from '../../lineage/modelLineage.js';
import type { AppEnv } from '../app.js';
import { decimalId, parse, positiveInt } from '../validate.js';

const format = z.enum(['json', 'markdown']).optional();

export function lineageRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/models/:id/lineage', async (c) => {
    const modelId = parse(decimalId, c.req.param('id'), 'model id');
    const version = parse(positiveInt.optional(), c.req.query('version'), 'version');
    const asked =
      parse(format, c.req.query('format'), 'format') ??
      (c.req.header('accept')?.includes('text/markdown') ? 'markdown' : 'json');
    const lineage = await buildModelLineage(c.get('ctx'), modelId, version);
    if (asked === 'markdown') {
      return c.body(lineageReport(lineage), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    }
    return c.json(lineage);
  });
  return app;
}
