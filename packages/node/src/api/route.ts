/**
 * A route of the HTTP API, declared once: method, path, the zod schemas of its path parameters,
 * query, body and responses, its authentication and body limit. The declaration drives request
 * validation (install.ts), the OpenAPI document (openapi.ts) and the route fuzz test.
 */
import type { Context as HonoContext } from 'hono';
import type { Address } from 'viem';
import type { z } from 'zod';
import type { Context } from '../context.js';
import type { SignedRequestName } from './signedRequests.js';

export type HttpMethod = 'get' | 'post' | 'delete';

/**
 * `apiKey`: a bearer key is required (401 without). `optionalApiKey`: read when sent (a bad key is
 * still a 401). `none`: not read (signed requests carry their signature in the body).
 */
export type RouteAuth = 'none' | 'apiKey' | 'optionalApiKey';

/** Body limits by kind of route: small JSON, prompts, and uploads (the node's configured limit). */
export const BODY_LIMITS = {
  /** Routes without a body still accept (and ignore) a tiny one, e.g. `{}`. */
  none: 1_024,
  small: 64 * 1_024,
  prompt: 1_048_576,
} as const;

export type JsonBodySpec = {
  kind: 'json';
  schema: z.ZodType;
  /** Bytes; see BODY_LIMITS. */
  maxBytes: number;
  /** The body may be absent (then `{}` is validated). */
  optional?: boolean;
};

export type MultipartBodySpec = {
  kind: 'multipart';
  /** The text fields. */
  schema: z.ZodType;
  /** The name of the file part. */
  file: string;
  /** Bytes of the whole body, from the node's config (the file limit plus the envelope). */
  maxBytes: (ctx: Context) => number;
};

export type ResponseSpec = {
  description: string;
  /** JSON schema of the body (absent: no body, or `contentType` says what it is). */
  schema?: z.ZodType;
  /** A non-JSON body's media type. */
  contentType?: string;
};

type HonoApp = HonoContext<{ Variables: { ctx: Context; body: unknown; rawJson: unknown } }>;

/** What a route declares, less its handler. */
export type RouteDeclaration = {
  method: HttpMethod;
  /** Hono syntax (`/v1/datanets/:id`). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: JsonBodySpec | MultipartBodySpec;
  /** The EIP-712 message the body carries a signature of. */
  signed?: SignedRequestName;
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses the route can answer besides 400 and 413 (401 comes from `auth`). */
  errors?: readonly number[];
};

type Out<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;

type BodyOf<B> = B extends MultipartBodySpec
  ? z.output<B['schema']> & { file: File }
  : B extends JsonBodySpec
    ? z.output<B['schema']>
    : undefined;

type AccountOf<A> = A extends 'apiKey' ? Address : A extends 'optionalApiKey' ? Address | null : null;

/** What a handler receives: the validated request. */
export type RouteInput<P, Q, B, A> = {
  c: HonoApp;
  ctx: Context;
  params: Out<P>;
  query: Out<Q>;
  body: BodyOf<B>;
  account: AccountOf<A>;
};

/** A declared route; without a handler it is served by a sub-app mounted after validation. */
export type Route = RouteDeclaration & {
  // biome-ignore lint/suspicious/noExplicitAny: handlers are checked where each route is defined
  handler?: (input: RouteInput<any, any, any, any>) => Promise<Response> | Response;
};

/**
 * Declares a route; the handler's input is typed from the schemas.
 *
 * @example
 * defineRoute({ method: 'get', path: '/v1/datanets/:id', params: z.object({ id: decimalId }), …,
 *   handler: async ({ c, ctx, params }) => c.json(await getDatanet(ctx, params.id)) });
 */
export function defineRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends JsonBodySpec | MultipartBodySpec | undefined = undefined,
  const A extends RouteAuth = RouteAuth,
>(
  route: Omit<RouteDeclaration, 'params' | 'query' | 'body' | 'auth'> & {
    auth: A;
    params?: P;
    query?: Q;
    body?: B;
    handler?: (input: RouteInput<P, Q, B, A>) => Promise<Response> | Response;
  },
): Route {
  return route as Route;
}
