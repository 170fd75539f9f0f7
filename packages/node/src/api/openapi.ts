/**
 * The OpenAPI 3.1 document of the node's API, generated from the route registry: the same zod
 * schemas that validate requests describe them here (JSON Schema 2020-12, as OpenAPI 3.1 uses).
 * Signed requests carry `x-eip712` with their domain, primary type and types.
 */
import { z } from 'zod';
import type { Context } from '../context.js';
import { BODY_LIMITS, type Route } from './route.js';
import { signedDomains, signedRequests } from './signedRequests.js';
import { errorBody } from './views.js';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'bad input: a field is missing or invalid (details name each)',
  401: 'no valid API key, or a signature that does not verify',
  402: 'payment or bond missing',
  403: 'not allowed',
  404: 'not found',
  409: 'conflicts with what exists (replayed nonce, duplicate, wrong state)',
  410: 'gone (taken down or deprecated)',
  413: 'body over the route’s limit',
  415: 'wrong content type',
  429: 'over a quota',
  503: 'a dependency (chain, upstream) is unavailable; retry later',
};

/** `/v1/datanets/:id` → `/v1/datanets/{id}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Builds the document for the routes of a node. */
export function openApiDocument(ctx: Context, routes: readonly Route[]): JsonSchema {
  const components: Record<string, JsonSchema> = { Error: {} };
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const generated = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema;
    const {
      $schema: _,
      $defs,
      ...rest
    } = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= def;
    return rest;
  };
  components.Error = toSchema(errorBody, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  const domains = signedDomains(ctx);

  for (const route of routes) {
    const parameters = [
      ...objectFields(route.params, toSchema).map((p) => ({ ...p, in: 'path', required: true })),
      ...objectFields(route.query, toSchema).map((p) => ({ ...p, in: 'query' })),
    ];
    const limit =
      route.body?.kind === 'multipart'
        ? route.body.maxBytes(ctx)
        : (route.body?.maxBytes ?? BODY_LIMITS.none);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: toSchema(response.schema, 'output') } } }
          : response.contentType
            ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
            : {}),
      };
    }
    const errors = new Set([400, 413, ...(route.auth === 'apiKey' ? [401] : []), ...(route.errors ?? [])]);
    for (const status of [...errors].sort()) {
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const signed = route.signed ? signedRequests[route.signed] : undefined;
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: !(route.body.kind === 'json' && route.body.optional),
              content:
                route.body.kind === 'json'
                  ? { 'application/json': { schema: toSchema(route.body.schema, 'input') } }
                  : {
                      'multipart/form-data': {
                        schema: withFilePart(toSchema(route.body.schema, 'input'), route.body.file),
                      },
                    },
            },
          }
        : {}),
      responses,
      security:
        route.auth === 'apiKey'
          ? [{ apiKey: [] }]
          : route.auth === 'optionalApiKey'
            ? [{}, { apiKey: [] }]
            : [],
      'x-body-limit-bytes': limit,
      ...(signed
        ? {
            'x-eip712': {
              domain: domains[signed.domain],
              domainName: signed.domain,
              primaryType: signed.primaryType,
              types: signed.types,
              note: signed.note,
            },
          }
        : {}),
    };
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tributary node API',
      version: '1',
      description:
        'Datanets, models, OpenAI-compatible inference with attribution receipts, and settlement. Errors are ' +
        '`{ "error": { "code", "message", "details" } }`. Signed requests (`x-eip712`) carry an EIP-712 signature ' +
        'of the message described there; `GET /v1/info` serves the same domains and types.',
    },
    servers: [{ url: ctx.config.publicUrl ?? '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API key from POST /v1/auth/keys: `Authorization: Bearer trib_…`',
        },
      },
    },
  };
}

function objectFields(
  schema: z.ZodObject | undefined,
  toSchema: (s: z.ZodType, io: 'input' | 'output') => JsonSchema,
): { name: string; schema: JsonSchema; description?: string }[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = toSchema(field as z.ZodType, 'input');
    const description = typeof fieldSchema.description === 'string' ? fieldSchema.description : undefined;
    return { name, schema: fieldSchema, ...(description ? { description } : {}) };
  });
}

function withFilePart(schema: JsonSchema, file: string): JsonSchema {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  return {
    ...schema,
    properties: { [file]: { type: 'string', format: 'binary' }, ...properties },
    required: [file, ...required],
  };
}

function operationId(route: Route): string {
  const words = route.path
    .replace(/^\/v1\//, '/')
    .split(/[/.]/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w));
  return [route.method, ...words]
    .join('-')
    .replace(/-([a-z0-9])/gi, (_, ch: string) => ch.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '');
}
