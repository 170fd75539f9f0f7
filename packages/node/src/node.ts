/**
 * Starting and stopping a node: context, catch-up (indexer, stored transactions, pending
 * versions, index backlog, takedowns), background indexing, and the HTTP server.
 */
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './api/app.js';
import { addressKey } from './chain/chainContext.js';
import { createIndexer } from './chain/indexer.js';
import { resumeTransactions, watchTransactions } from './chain/transactions.js';
import type { Config } from './config.js';
import { type Context, createContext } from './context.js';
import { indexAllContributions, indexingSettled } from './datanets/indexContributions.js';
import { completeTakedowns } from './datanets/takedown.js';
import { resumePendingVersions } from './datanets/versions.js';
import { startKeeper } from './governance/keeper.js';
import { resumeBuilds } from './jobs/modelBuilds.js';
import type { Logger } from './logger.js';
import { startArtifactWatch } from './models/artifactWatch.js';
import { evidenceSettled } from './models/evidence/captureEvidence.js';
import { followRemoteDatanets } from './remote/follow.js';
import { finishEpoch } from './settlement/finishEpoch.js';
import { startSettlementLoop } from './settlement/settle.js';
import { startBlobCollector } from './store/collectBlobs.js';

export type RunningNode = {
  ctx: Context;
  /** The URL the API listens on. */
  url: string;
  /** Stops serving, indexing and closes the database (graceful shutdown). */
  stop(): Promise<void>;
};

/**
 * Starts a node and resolves once it serves requests.
 *
 * @example
 * const node = await startNode(loadConfig());
 * console.log(node.url);
 */
export async function startNode(config: Config, logger?: Logger): Promise<RunningNode> {
  const base = await createContext(config, logger);
  const ctx = base as Context;
  ctx.indexer = createIndexer(ctx);
  const log = ctx.logger;
  const { journaledReceipts } = await ctx.serving.recover();
  if (journaledReceipts > 0) log.info({ receipts: journaledReceipts }, 'stored receipts left in the journal');

  await ctx.indexer.syncOnce();
  // Reservations belong to calls in flight; the calls of a stopped process are gone.
  await ctx.db.query('delete from reservations');
  const resumed = await resumeTransactions(ctx);
  const versions = await resumePendingVersions(ctx);
  const indexed = await indexAllContributions(ctx);
  const takedowns = await completeTakedowns(ctx);
  const builds = await resumeBuilds(ctx);
  if (resumed + versions + indexed + takedowns + builds > 0) {
    log.info(
      { transactions: resumed, versions, indexed, takedowns, builds },
      'resumed work interrupted by the last stop',
    );
  }
  ctx.indexer.onRange(async (events) => {
    // Epochs of this node voided on-chain (an upheld challenge or a stale void): their receipts go unpaid.
    const me = addressKey(ctx.chain.operator.address);
    for (const e of events.filter(
      (x) => x.eventName === 'EpochsVoided' && addressKey(String(x.args.node)) === me,
    )) {
      for (let epoch = BigInt(String(e.args.fromEpoch)); epoch <= BigInt(String(e.args.toEpoch)); epoch++) {
        await finishEpoch(ctx, epoch, 'voided');
      }
    }
    const removed = new Set(
      events.filter((e) => e.eventName === 'ContributionRemoved').map((e) => String(e.args.datanetId)),
    );
    for (const datanetId of removed) await completeTakedowns(ctx, datanetId);
  });
  const remote = followRemoteDatanets(ctx);
  ctx.indexer.start();
  const transactions = watchTransactions(ctx);
  const blobs = startBlobCollector(ctx);
  const settlement = startSettlementLoop(ctx);
  const keeper = startKeeper(ctx);
  const artifactWatch = startArtifactWatch(ctx);

  const app = createApp(ctx);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  // Idle keep-alive connections outlive the clients' own idle timeout (undici: 4 s), so a client
  // never reuses one the node is closing (an ECONNRESET under load otherwise).
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  // Port 0 asked for a free port: the derived public URL (epoch data URIs) takes the real one.
  if (config.port === 0 && config.publicUrl === `http://${config.host}:0`) config.publicUrl = url;
  log.info(
    { url, chainId: ctx.chain.chainId, node: ctx.chain.operator.address, database: ctx.db.kind },
    'node ready',
  );

  let stopping: Promise<void> | null = null;
  return {
    ctx,
    url,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await settlement.stop();
        await keeper.stop();
        await artifactWatch.stop();
        await evidenceSettled(ctx);
        await transactions.stop();
        await blobs.stop();
        await ctx.indexer.stop();
        await remote.stop();
        await indexingSettled(ctx);
        await ctx.indexes.close();
        await ctx.serving.close();
        await ctx.db.close();
        log.info('node stopped');
      })();
      return stopping;
    },
  };
}
