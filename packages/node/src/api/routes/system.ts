/**
 * Liveness, readiness, metrics and the node's public facts (chain, addresses, limits, and the
 * EIP-712 domains and types of every signed request).
 */
import { z } from 'zod';
import type { Route } from '../route.js';
import { defineRoute } from '../route.js';
import { signedDomains, signedRequests } from '../signedRequests.js';

export const nodeInfoView = z
  .looseObject({
    chainId: z.number().int(),
    rpcUrl: z.string(),
    node: z.string(),
    signer: z.string(),
    addresses: z.record(z.string(), z.string()),
    indexedBlock: z.string().nullable(),
    limits: z.record(z.string(), z.number()),
    eip712: z.looseObject({
      domains: z.record(z.string(), z.record(z.string(), z.unknown())),
      types: z.record(z.string(), z.unknown()),
      requests: z.array(
        z.object({ method: z.string(), path: z.string(), domain: z.string(), primaryType: z.string() }),
      ),
    }),
  })
  .meta({ id: 'NodeInfo' });

/** The system routes; `routes` lists every route (for the signed requests in /v1/info). */
export function systemRoutes(routes: () => readonly Route[]): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      tag: 'system',
      summary: 'Liveness',
      auth: 'none',
      responses: {
        200: { description: 'the process answers', schema: z.object({ status: z.literal('ok') }) },
      },
      handler: ({ c }) => c.json({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      tag: 'system',
      summary: 'Readiness: database, chain and indexer lag',
      auth: 'none',
      responses: {
        200: {
          description: 'ready',
          schema: z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }),
        },
      },
      errors: [503],
      handler: async ({ c, ctx }) => {
        const checks: Record<string, string> = {};
        try {
          await ctx.db.query('select 1');
          checks.database = 'ok';
        } catch {
          checks.database = 'unavailable';
        }
        try {
          const head = await ctx.chain.publicClient.getBlockNumber({ cacheTime: 0 });
          const [cursor] = await ctx.db.query<{ block_number: bigint }>(
            "select block_number from indexer_cursor where name = 'protocol'",
          );
          const lag = head - (cursor?.block_number ?? 0n);
          checks.chain = 'ok';
          checks.indexer = lag <= 10n ? 'ok' : `${lag} blocks behind`;
        } catch {
          checks.chain = 'unavailable'; // not the error: it names the RPC URL
        }
        const ready = Object.values(checks).every((v) => v === 'ok');
        if (!ready) c.header('retry-after', '5');
        return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'system',
      summary: 'Prometheus metrics',
      auth: 'none',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      handler: async ({ c, ctx }) => {
        const { registry } = ctx.metrics;
        return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/info',
      tag: 'system',
      summary: 'The node’s chain, addresses, limits, and the EIP-712 domains and types it verifies',
      auth: 'none',
      responses: { 200: { description: 'the node’s public facts', schema: nodeInfoView } },
      handler: async ({ c, ctx }) => {
        const [cursor] = await ctx.db.query<{ block_number: bigint }>(
          "select block_number from indexer_cursor where name = 'protocol'",
        );
        const domains = signedDomains(ctx);
        const types: Record<string, unknown> = {};
        for (const request of Object.values(signedRequests)) Object.assign(types, request.types);
        return c.json({
          chainId: ctx.chain.chainId,
          rpcUrl: ctx.config.publicRpcUrl ?? ctx.config.rpcUrl,
          node: ctx.chain.operator.address,
          signer: ctx.chain.signer.address,
          addresses: ctx.chain.addresses,
          indexedBlock: cursor?.block_number.toString() ?? null,
          limits: ctx.config.limits,
          eip712: {
            // Kept by their first names for older clients.
            contributions: domains.datanetRegistry,
            apiKeys: domains.nodeApi,
            domains,
            types,
            requests: routes()
              .filter((r) => r.signed)
              .map((r) => ({
                method: r.method.toUpperCase(),
                path: r.path,
                domain: signedRequests[r.signed!].domain,
                primaryType: signedRequests[r.signed!].primaryType,
              })),
          },
        });
      },
    }),
  ];
}
