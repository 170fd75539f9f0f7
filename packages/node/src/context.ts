/**
 * The node's state, passed explicitly to everything that needs it (no module-level state).
 */
import { join } from 'node:path';
import { type ChainContext, createChainContext } from './chain/chainContext.js';
import type { Indexer } from './chain/indexer.js';
import type { Config } from './config.js';
import { createLiveIndexes, type LiveIndexes } from './datanets/liveIndexes.js';
import { createServing, type Serving } from './inference/serving.js';
import { createLocks, type Locks } from './locks.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { LoadedModel } from './models/servedModels.js';
import { type BlobStore, createBlobStore } from './store/blobs.js';
import { type Db, openDb } from './store/db.js';
import { migrate } from './store/migrate.js';

export type Context = {
  config: Config;
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  chain: ChainContext;
  metrics: Metrics;
  locks: Locks;
  indexes: LiveIndexes;
  /** Set once the indexer exists (it needs the rest of the context). */
  indexer: Indexer;
  /** Models loaded for serving, by model id and artifact hash. */
  loadedModels: Map<string, Promise<LoadedModel>>;
  /** The runner pool and the batched writers of reservations and receipts. */
  serving: Serving;
};

/** Opens the database (running migrations), the blob store and the chain connection. */
export async function createContext(
  config: Config,
  logger: Logger = createLogger(config),
): Promise<Omit<Context, 'indexer'>> {
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: join(config.home, 'db'),
    thread: config.databaseThread,
  });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const chain = await createChainContext(config);
    const ctx = {
      config,
      logger,
      db,
      chain,
      blobs: createBlobStore(join(config.home, 'blobs')),
      metrics: createMetrics(),
      locks: createLocks(),
      indexes: createLiveIndexes(join(config.home, 'indexes')),
      loadedModels: new Map(),
    } as Omit<Context, 'indexer'>;
    // Its writers read the context when they run (the indexer is set by the caller).
    ctx.serving = createServing(ctx as Context);
    return ctx;
  } catch (error) {
    await db.close();
    throw error;
  }
}
