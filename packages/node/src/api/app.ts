/**
 * The HTTP API: REST for datanets (and, as they land, models and settlement), health and
 * metrics. Every error is `{ error: { code, message, details } }` with a fitting status.
 */
import { AttributionError } from '@tributary/attribution';
import { Hono } from 'hono';
import type { Address } from 'viem';
import { authenticate } from '../auth/apiKeys.js';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { datanetRoutes } from './routes/datanets.js';
import { modelRoutes } from './routes/models.js';
import { openAiRoutes } from './routes/openai.js';
import { settlementRoutes } from './routes/settlement.js';
import { systemRoutes } from './routes/system.js';
import { webAppRoutes } from './webApp.js';

export type AppEnv = { Variables: { ctx: Context } };

/** Builds the app for a node context. */
export function createApp(ctx: Context) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    const started = performance.now();
    await next();
    const route = c.req.routePath ?? 'unknown';
    ctx.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    ctx.metrics.httpDuration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      return c.json(
        { error: { code: error.code, message: error.message, details: error.details } },
        error.status as 400,
      );
    }
    if (error instanceof AttributionError) {
      const status = error.code === 'TEXT_TOO_LONG' ? 413 : error.code.startsWith('CORRUPT') ? 500 : 400;
      return c.json({ error: { code: error.code, message: error.message, details: error.details } }, status);
    }
    ctx.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(
      {
        error: {
          code: 'INTERNAL',
          message: 'internal error',
          details: [String((error as Error).message ?? error)],
        },
      },
      500,
    );
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}`, details: [] } },
      404,
    ),
  );
  app.route('/', systemRoutes());
  app.route('/v1/auth', authRoutes());
  app.route('/v1/accounts', accountRoutes());
  app.route('/v1', datanetRoutes());
  app.route('/v1', modelRoutes());
  app.route('/v1', openAiRoutes());
  app.route('/v1', settlementRoutes());
  app.route('/', webAppRoutes(ctx)); // the web app, after every API route
  return app;
}

/** The authenticated account of a request (401 without a valid key). */
export const requireAccount = (ctx: Context, authorization: string | undefined): Promise<Address> =>
  authenticate(ctx, authorization);

/** The account of a request if it has a key, null otherwise (a bad key is still a 401). */
export const optionalAccount = async (
  ctx: Context,
  authorization: string | undefined,
): Promise<Address | null> => (authorization ? authenticate(ctx, authorization) : null);
