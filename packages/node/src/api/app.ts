/**
 * The HTTP API. Routes are declared in one registry (registry.ts) that validates every request
 * before its handler runs; CORS for the configured origins; every error is
 * `{ error: { code, message, details } }` with a fitting status and no internals.
 */
import { AttributionError } from '@tributary/attribution';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Address } from 'viem';
import { authenticate } from '../auth/apiKeys.js';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { installRoutes } from './install.js';
import { isOutage } from './outage.js';
import { apiRoutes } from './registry.js';
import { openAiRoutes } from './routes/openai.js';
import { webAppRoutes } from './webApp.js';

export type AppEnv = { Variables: { ctx: Context; body: unknown; rawJson: unknown } };

const errorJson = (code: string, message: string, details: readonly string[] = []) => ({
  error: { code, message, details },
});

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
  const origins = ctx.config.cors.origins;
  if (origins.length > 0) {
    // Same-origin pages (the web app the node serves) need none of this; other origins are listed.
    const any = origins.includes('*');
    app.use(
      '*',
      cors({
        origin: (origin) => (any || origins.includes(origin) ? origin : null),
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['*'],
        maxAge: 600,
      }),
    );
  }
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.status === 413) c.header('connection', 'close'); // do not read the rest of the body
      if (error.status === 503) c.header('retry-after', '5');
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorJson(error.code, error.message, error.details), error.status as 400);
    }
    if (error instanceof AttributionError) {
      const status = error.code === 'TEXT_TOO_LONG' ? 413 : error.code.startsWith('CORRUPT') ? 500 : 400;
      return c.json(errorJson(error.code, error.message, error.details), status);
    }
    if (isOutage(error)) {
      // The short reason only: viem's error carries the whole contract ABI and the RPC URL.
      const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
      ctx.logger.warn({ reason, path: c.req.path }, 'a dependency is unavailable');
      c.header('retry-after', '5');
      return c.json(
        errorJson('UNAVAILABLE', 'the chain or the database is not reachable right now', [
          'retry in a few seconds',
        ]),
        503,
      );
    }
    ctx.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    // The message stays in the log: it may hold internals (an RPC URL, a contract call).
    return c.json(errorJson('INTERNAL', 'internal error', ['the node logged it; retry, or report it']), 500);
  });
  app.notFound((c) =>
    c.json(
      errorJson('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`, ['GET /docs lists the routes']),
      404,
    ),
  );
  installRoutes(app, apiRoutes());
  app.route('/v1', openAiRoutes());
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
