/**
 * The API reference: `GET /openapi.json` (OpenAPI 3.1 from the route registry) and `GET /docs`
 * (a static page rendered from it, served offline).
 */
import { z } from 'zod';
import type { Context } from '../../context.js';
import { renderDocsPage } from '../docsPage.js';
import { openApiDocument } from '../openapi.js';
import { defineRoute, type Route } from '../route.js';

/** The docs routes; `routes` lists every route of the API. */
export function docsRoutes(routes: () => readonly Route[]): Route[] {
  // Built once per app (the routes and the node's facts do not change while it runs).
  let cached: { document: Record<string, unknown>; page: string } | undefined;
  const reference = (ctx: Context) => {
    if (!cached) {
      const document = openApiDocument(ctx, routes());
      cached = { document, page: renderDocsPage(document) };
    }
    return cached;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document',
      auth: 'none',
      responses: { 200: { description: 'the document', schema: z.looseObject({ openapi: z.string() }) } },
      handler: ({ c, ctx }) => c.json(reference(ctx).document),
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      tag: 'system',
      summary: 'The API reference page',
      auth: 'none',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      handler: ({ c, ctx }) => c.html(reference(ctx).page),
    }),
  ];
}
