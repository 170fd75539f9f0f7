/**
 * Liveness, readiness, metrics and the node's public facts (chain, addresses, signing domains).
 */
import { datanetRegistryDomain } from '@tributary/protocol';
import { Hono } from 'hono';
import { apiKeyDomain } from '../../auth/apiKeys.js';
import type { AppEnv } from '../app.js';

export function systemRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const ctx = c.get('ctx');
    const checks: Record<string, string> = {};
    try {
      await ctx.db.query('select 1');
      checks.database = 'ok';
    } catch {
      checks.database = 'unreachable';
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
      checks.chain = 'unreachable'; // not the error: it names the RPC URL
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    if (!ready) c.header('retry-after', '5');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { registry } = c.get('ctx').metrics;
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  app.get('/v1/info', async (c) => {
    const ctx = c.get('ctx');
    const [cursor] = await ctx.db.query<{ block_number: bigint }>(
      "select block_number from indexer_cursor where name = 'protocol'",
    );
    return c.json({
      chainId: ctx.chain.chainId,
      rpcUrl: ctx.config.publicRpcUrl ?? ctx.config.rpcUrl,
      node: ctx.chain.operator.address,
      signer: ctx.chain.signer.address,
      addresses: ctx.chain.addresses,
      indexedBlock: cursor?.block_number.toString() ?? null,
      limits: ctx.config.limits,
      eip712: {
        contributions: datanetRegistryDomain({
          chainId: ctx.chain.chainId,
          verifyingContract: ctx.chain.addresses.datanetRegistry,
        }),
        apiKeys: apiKeyDomain(ctx),
      },
    });
  });
  return app;
}
