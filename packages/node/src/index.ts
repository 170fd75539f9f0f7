export { type AppEnv, createApp } from './api/app.js';
export { type Config, ConfigError, type ConfigInput, loadConfig } from './config.js';
export type { Context } from './context.js';
export * from './errors.js';
export { createLogger, type Logger } from './logger.js';
export { type RecomputeReceiptReturnType, recomputeReceipt } from './models/publicRebuild.js';
export { type RunningNode, startNode } from './node.js';
export { type Db, openDb, type Queryable } from './store/db.js';
export { migrate } from './store/migrate.js';
