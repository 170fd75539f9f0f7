/**
 * The node's configuration: defaults, then a JSON config file, then environment variables.
 * Validated with zod so a wrong value fails at start with the field named.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { TributaryError } from '@tributary/protocol';
import { z } from 'zod';

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex private key (0x + 64 hex digits)');

// A missing section parses as `{}` (`.prefault`), so its fields' own defaults apply: stated once.
export const configSchema = z.object({
  /** Where the node keeps its state: database, blobs, indexes, addresses. */
  home: z.string(),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8787),
  /** The URL others reach this node at (published in epoch data URIs). */
  publicUrl: z.string().url().optional(),
  rpcUrl: z.string().url().default('http://127.0.0.1:8545'),
  /** The RPC URL clients should use to send their own transactions (defaults to rpcUrl). */
  publicRpcUrl: z.string().url().optional(),
  /** The deployment's addresses file (written by `deploy`). */
  addressesFile: z.string().optional(),
  /** The node operator's key: sends curator and relayer transactions, settles epochs. */
  operatorKey: hexKey,
  /** The key that signs receipts (registered on-chain for the operator). Defaults to the operator key. */
  signingKey: hexKey.optional(),
  /** The built web app (packages/web/dist) to serve at `/`; none without it. */
  webDir: z.string().optional(),
  /** PostgreSQL URL; without it the node uses embedded PGlite under `home`. */
  databaseUrl: z.string().optional(),
  /**
   * Where embedded PGlite runs: its own worker thread (default), or the request thread ("request":
   * one thread fewer, but every statement's execution then delays HTTP). Ignored with databaseUrl.
   */
  databaseThread: z.enum(['worker', 'request']).default('worker'),
  limits: z
    .object({
      maxUploadBytes: z.coerce.number().int().positive().default(1_048_576),
      maxContributionsPerDay: z.coerce.number().int().positive().default(200),
      maxBytesPerDay: z.coerce
        .number()
        .int()
        .positive()
        .default(20 * 1_048_576),
      /** Metadata documents one account may store a day (POST /v1/datanets/metadata). */
      maxMetadataPerDay: z.coerce.number().int().positive().default(100),
    })
    .prefault({}),
  /** Origins (besides the node's own) whose browser pages may call the API; "*" for any. */
  cors: z.object({ origins: z.array(z.string().min(1)).default([]) }).prefault({}),
  /** The node's own transactions (relays, versions, settlement). */
  transactions: z
    .object({
      /**
       * Blocks after the one holding a transaction before the API reports success. Default: 0 on a
       * local chain (id 31337 or 1337), 2 elsewhere.
       */
      confirmations: z.coerce.number().int().min(0).max(1_000).optional(),
    })
    .prefault({}),
  /** Content-addressed blobs on disk. */
  blobs: z
    .object({
      /** How often unreferenced blobs are collected (0: only at start). */
      gcIntervalMs: z.coerce.number().int().min(0).default(3_600_000),
      /** A blob younger than this is never collected (an upload may be about to reference it). */
      gcGraceMs: z.coerce.number().int().min(0).default(3_600_000),
    })
    .prefault({}),
  indexer: z
    .object({
      pollIntervalMs: z.coerce.number().int().positive().default(500),
      /** Blocks behind the head before an event counts (0 on a local chain). */
      confirmations: z.coerce.number().int().min(0).default(0),
      /** How far back a reorg can be undone. */
      reorgDepth: z.coerce.number().int().positive().default(64),
      batchSize: z.coerce.number().int().positive().default(2_000),
    })
    .prefault({}),
  /** When epochs close and how they settle. */
  settlement: z
    .object({
      /** Close the open epoch once it is this old (and holds receipts). */
      epochSeconds: z.coerce.number().int().positive().default(3_600),
      /** …or once it holds this many receipts. */
      maxReceipts: z.coerce.number().int().positive().default(10_000),
      /** Payers per settlement transaction (at most RewardDistributor.MAX_PAGE_PAYERS, 400). */
      pageSize: z.coerce.number().int().positive().max(400).default(200),
      /** How often the settlement loop looks for work (0: only when asked through the API). */
      pollMs: z.coerce.number().int().min(0).default(5_000),
    })
    .prefault({}),
  /** The keeper: finalizes nodes' epochs once their challenge window passed and sweeps protocol fees. */
  keeper: z
    .object({
      /** How often it looks for work (0: only when asked through the API). */
      pollMs: z.coerce.number().int().min(0).default(60_000),
      /** Epochs one finalize transaction may pass over. */
      maxFinalizeSteps: z.coerce.number().int().positive().max(256).default(32),
    })
    .prefault({}),
  /** Serving models. */
  models: z
    .object({
      /**
       * How often every loaded model's artifact is re-hashed in full (0: never). Every call also
       * compares the artifact files' size, mtime and inode with those seen at load.
       */
      rehashIntervalMs: z.coerce.number().int().min(0).default(600_000),
    })
    .prefault({}),
  /** How calls are served. */
  serving: z
    .object({
      /** Worker threads for generation, attribution and receipt signatures (0: all in the request thread). */
      workers: z.coerce.number().int().min(0).max(64).default(availableParallelism()),
      /**
       * With workers: when no run is in flight, a call's run goes to the request thread (no hand-over
       * to a worker and back; each model is loaded there too, one more copy of its index in memory).
       */
      idleRunsInline: z.union([z.boolean(), z.stringbool()]).default(true),
      /** Most calls whose reservations, or receipts, are written in one transaction. */
      maxBatch: z.coerce.number().int().positive().max(4096).default(256),
    })
    .prefault({}),
  /** OpenAI-compatible servers that `upstream` models (and RAG retrieval models) forward to, by name. */
  upstreams: z
    .record(
      z.string(),
      z.object({
        baseURL: z.string().url(),
        /** Sent as `Authorization: Bearer …`; without it the upstream gets no credential at all. */
        apiKey: z.string().min(1).optional(),
        timeoutMs: z.coerce.number().int().positive().default(60_000),
      }),
    )
    .default({}),
  log: z
    .object({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      format: z.enum(['pretty', 'json']).optional(),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Thrown when the configuration is invalid; the details name each bad field. */
export class ConfigError extends TributaryError {
  override name = 'ConfigError';
}

export type LoadConfigParameters = {
  /** Environment to read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Values that win over file and environment (tests, the CLI). */
  overrides?: Partial<ConfigInput>;
};

/**
 * Loads the configuration.
 *
 * Environment: TRIBUTARY_HOME, TRIBUTARY_CONFIG (a JSON file; default `$home/config.json`),
 * HOST, PORT, PUBLIC_URL, RPC_URL, ADDRESSES_FILE, OPERATOR_KEY, SIGNING_KEY, DATABASE_URL, WEB_DIR,
 * UPSTREAM_URL, UPSTREAM_API_KEY, CORS_ORIGINS (comma-separated), LOG_LEVEL, LOG_FORMAT, SERVING_WORKERS,
 * SERVING_IDLE_INLINE.
 */
export function loadConfig({ env = process.env, overrides = {} }: LoadConfigParameters = {}): Config {
  const home = resolve(overrides.home ?? env.TRIBUTARY_HOME ?? '.tributary');
  const file = env.TRIBUTARY_CONFIG ?? join(home, 'config.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError({ code: 'CONFIG_INVALID', message: `${file} is not valid JSON`, cause });
    }
  }
  const fromEnv = definedOnly({
    host: env.HOST,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL,
    rpcUrl: env.RPC_URL,
    addressesFile: env.ADDRESSES_FILE,
    operatorKey: env.OPERATOR_KEY,
    signingKey: env.SIGNING_KEY,
    databaseUrl: env.DATABASE_URL,
    databaseThread: env.DATABASE_THREAD,
    webDir: env.WEB_DIR,
  });
  const cors = env.CORS_ORIGINS
    ? {
        origins: env.CORS_ORIGINS.split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      }
    : undefined;
  const log = definedOnly({ level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  // UPSTREAM_URL (and UPSTREAM_API_KEY) define the upstream named "default".
  const upstreams = {
    ...(fromFile.upstreams as object | undefined),
    ...(env.UPSTREAM_URL
      ? {
          default: {
            baseURL: env.UPSTREAM_URL,
            ...(env.UPSTREAM_API_KEY ? { apiKey: env.UPSTREAM_API_KEY } : {}),
          },
        }
      : {}),
    ...overrides.upstreams,
  };
  const merged = {
    ...fromFile,
    ...fromEnv,
    ...overrides,
    home,
    upstreams,
    ...(cors && !overrides.cors ? { cors } : {}),
    log: { ...(fromFile.log as object | undefined), ...log, ...overrides.log },
    serving: {
      ...(fromFile.serving as object | undefined),
      ...definedOnly({ workers: env.SERVING_WORKERS, idleRunsInline: env.SERVING_IDLE_INLINE }),
      ...overrides.serving,
    },
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError({
      code: 'CONFIG_INVALID',
      message: 'the node configuration is invalid',
      details: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    });
  }
  const config = parsed.data;
  config.addressesFile ??= join(home, 'addresses.json');
  config.publicUrl ??= `http://${config.host}:${config.port}`;
  return config;
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as Record<
    string,
    string
  >;
}
