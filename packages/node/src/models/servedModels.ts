/**
 * The models this node serves: those ModelRegistry assigns to this node's operator, at their
 * latest version, whose artifact the node holds. A model is loaded on first use, after its
 * artifact is checked against the registered hash.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Split } from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { PooledModel } from '../inference/runnerPool.js';
import { type ModelConfig, type ModelKind, readModelConfig, verifyArtifact } from './artifact.js';

export type ModelStatusName = 'active' | 'deprecated' | 'delisted';

export type ServedModel = {
  id: string;
  version: number;
  name: string;
  kind: ModelKind;
  status: ModelStatusName;
  developer: Address;
  pricing: { pricePerInputToken: bigint; pricePerOutputToken: bigint };
  split: Split;
  artifactHash: Hex;
  configHash: Hex;
  /** Longest prompt, in tokens. */
  contextTokens: number;
  /** Most tokens one answer may have. */
  maxOutputTokens: number;
  createdBlock: bigint;
  config: ModelConfig;
};

export type LoadedModel = { model: ServedModel; runner: PooledModel; indexRoot: Hex };

const STATUS: ModelStatusName[] = ['active', 'deprecated', 'delisted'];

type ModelRow = {
  id: string;
  developer: string;
  status: number;
  pricing: { pricePerInputToken: string; pricePerOutputToken: string };
  split: Split;
  version: number;
  artifact_hash: string;
  config_hash: string;
  created_block: bigint;
};

const cache = new WeakMap<Context, { block: bigint; models: Promise<ServedModel[]> }>();

/**
 * The node's models (whatever their status), latest version each, with a local artifact. Kept
 * until the indexer commits new chain state, so a call does not re-read them.
 */
export function listServedModels(ctx: Context): Promise<ServedModel[]> {
  const block = ctx.indexer.indexedBlock();
  const cached = cache.get(ctx);
  if (cached && cached.block === block) return cached.models;
  const models = readServedModels(ctx);
  cache.set(ctx, { block, models });
  models.catch(() => cache.delete(ctx));
  return models;
}

async function readServedModels(ctx: Context): Promise<ServedModel[]> {
  const rows = await ctx.db.query<ModelRow>(
    `select m.id::text as id, m.developer, m.status, m.pricing, m.split, v.version, v.artifact_hash, v.config_hash, m.created_block
     from models m join model_versions v on v.model_id = m.id and v.version = m.version_count
     where m.node = $1 order by m.id`,
    [addressKey(ctx.chain.operator.address)],
  );
  const models: ServedModel[] = [];
  for (const row of rows) {
    const dir = artifactDir(ctx, row.artifact_hash);
    if (!existsSync(join(dir, 'model.json'))) continue;
    const config = await readModelConfig(dir);
    models.push({
      id: row.id,
      version: row.version,
      name: config.name,
      kind: config.kind,
      status: STATUS[row.status] ?? 'delisted',
      developer: getAddress(row.developer),
      pricing: {
        pricePerInputToken: BigInt(row.pricing.pricePerInputToken),
        pricePerOutputToken: BigInt(row.pricing.pricePerOutputToken),
      },
      split: {
        computeBps: Number(row.split.computeBps),
        developerBps: Number(row.split.developerBps),
        dataBps: Number(row.split.dataBps),
      },
      artifactHash: row.artifact_hash as Hex,
      configHash: row.config_hash as Hex,
      contextTokens: Number(config.params.contextTokens ?? 8192),
      maxOutputTokens: Number(config.params.maxOutputTokens ?? 1024),
      createdBlock: row.created_block,
      config,
    });
  }
  return models;
}

/**
 * The served model a request names: its model.json name, its id, or `model-<id>`.
 * Unknown → 404; delisted → 403; deprecated → 410.
 */
export async function resolveModel(ctx: Context, requested: string): Promise<ServedModel> {
  const models = await listServedModels(ctx);
  const model =
    models.find((m) => m.name === requested) ?? models.find((m) => m.id === requested.replace(/^model-/, ''));
  if (!model) {
    throw notFound(`model "${requested}"`, [
      `this node serves: ${models.map((m) => m.name).join(', ') || 'no models yet'}`,
    ]);
  }
  if (model.status === 'delisted') {
    throw forbidden('MODEL_DELISTED', `model "${requested}" was delisted by governance and is not served`);
  }
  if (model.status === 'deprecated') {
    throw new ApiError(
      410,
      'MODEL_DEPRECATED',
      `model "${requested}" is deprecated by its developer and no longer served`,
    );
  }
  return model;
}

/** Loads a model's runner (verifying its artifact first); cached per artifact. */
export async function loadModel(ctx: Context, model: ServedModel): Promise<LoadedModel> {
  const key = `${model.id}:${model.artifactHash}`;
  let loading = ctx.loadedModels.get(key);
  if (!loading) {
    loading = (async () => {
      const dir = artifactDir(ctx, model.artifactHash);
      await verifyArtifact(dir, model.artifactHash);
      // Loaded in every worker of the runner pool (generation runs off the request thread).
      const runner = await ctx.serving.pool.load({
        key,
        kind: model.kind,
        dir,
        params: model.config.params,
        name: model.name,
      });
      return { model, runner, indexRoot: runner.indexRoot };
    })();
    ctx.loadedModels.set(key, loading);
    loading.catch(() => ctx.loadedModels.delete(key));
  }
  return loading;
}

/** Where the artifact with `artifactHash` lives. */
export const artifactDir = (ctx: Context, artifactHash: string) =>
  join(ctx.config.home, 'models', artifactHash.toLowerCase());
