/**
 * Installs declared routes on the Hono app. For each request it parses the path parameters and
 * query, refuses an oversized body before reading it, authenticates, reads the body within the
 * route's limit and validates it — then calls the handler (or, for a route served by a sub-app,
 * passes on with the body read).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { authenticate } from '../auth/apiKeys.js';
import type { Context } from '../context.js';
import { badRequest, unsupportedType } from '../errors.js';
import type { AppEnv } from './app.js';
import { parseJson, parseMultipart, readLimitedBody, refuseDeclaredLength } from './body.js';
import { BODY_LIMITS, type Route } from './route.js';
import { parse } from './validate.js';

/** Adds every route (validation, then its handler) to `app`. */
export function installRoutes(app: Hono<AppEnv>, routes: readonly Route[]): void {
  for (const route of routes) app.on(route.method.toUpperCase(), route.path, routeMiddleware(route));
}

function routeMiddleware(route: Route): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get('ctx');
    const params = route.params ? parse(route.params, c.req.param(), 'path parameters') : {};
    const query = route.query ? parse(route.query, c.req.query(), 'query') : {};
    refuseDeclaredLength(c.req.raw, maxBodyBytes(route, ctx));
    const authorization = c.req.header('authorization');
    const account =
      route.auth === 'apiKey' || (route.auth === 'optionalApiKey' && authorization)
        ? await authenticate(ctx, authorization)
        : null;
    const body = await readBody(route, c.req.raw, ctx, (json) => c.set('rawJson', json));
    if (route.handler) return route.handler({ c, ctx, params, query, body, account });
    await next();
  };
}

function maxBodyBytes(route: Route, ctx: Context): number {
  if (!route.body) return BODY_LIMITS.none;
  return route.body.kind === 'multipart' ? route.body.maxBytes(ctx) : route.body.maxBytes;
}

async function readBody(
  route: Route,
  request: Request,
  ctx: Context,
  keepJson: (json: unknown) => void,
): Promise<unknown> {
  const bytes = await readLimitedBody(request, maxBodyBytes(route, ctx));
  const spec = route.body;
  if (!spec) return undefined; // a tiny body on a route without one is ignored
  const contentType = request.headers.get('content-type') ?? '';
  if (spec.kind === 'json') {
    if (bytes.length === 0 && spec.optional) return parse(spec.schema, {}, 'body');
    if (bytes.length === 0) throw badRequest('the request needs a JSON body');
    const json = parseJson(bytes);
    keepJson(json); // for a sub-app that parses the body itself
    return parse(spec.schema, json, 'body');
  }
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw unsupportedType('send this request as multipart/form-data', [
      `fields: ${spec.file} (the file) and the signed fields (see GET /openapi.json)`,
    ]);
  }
  const form = await parseMultipart(bytes, contentType);
  const file = form.get(spec.file);
  if (!(file instanceof File)) throw badRequest(`the upload has no "${spec.file}" file part`);
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
  return { ...(parse(spec.schema, fields, 'form fields') as object), file };
}
