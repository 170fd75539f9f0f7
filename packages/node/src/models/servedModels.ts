/**
 * The models this node serves: those ModelRegistry assigns to this node's operator, at their
 * latest version, whose artifact the node holds — each with its serving state:
 *
 * - `refused` when its registration does not describe its artifact exactly (see registration.ts)
 *   or its artifact could not be rebuilt;
 * - `rebuilding` while its artifact is rebuilt from the datanet versions (after its files changed
 *   on disk, or without contributions taken down since its build): calls get 503 meanwhile;
 * - `ready` otherwise. A model is loaded on first use, after its artifact is checked.
 *
 * Names resolve as modelNames.ts says.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogModel, ServingState, Split } from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { type ModelConfig, type ModelKind, readModelConfig } from './artifact.js';
import { ensureRebuild, rebuildKey } from './loadServedModel.js';
import { callName, idOf, nameHolders } from './modelNames.js';
import { checkRegistration } from './registration.js';
import { artifactDir, servedTarget } from './servedArtifact.js';
import { ModelRebuildingError } from './servingErrors.js';
import { servingRuntime } from './servingRuntime.js';
import { modelTakedowns, type TakedownSet } from './takedownSet.js';

export { loadModel } from './loadServedModel.js';
export { artifactDir } from './servedArtifact.js';
export { ModelRebuildingError } from './servingErrors.js';

import type { PooledModel } from '../inference/runnerPool.js';

export type ModelStatusName = 'active' | 'deprecated' | 'delisted';

export type ServedModel = {
  id: string;
  version: number;
  /** The name calls use: its model.json name if it holds it, else `model-<id>`. */
  name: string;
  /** The name in its model.json. */
  configName: string;
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
  serving: ServingState;
  /** Contributions of its datanet versions taken down since its build. */
  takedowns: TakedownSet;
  /** What the node serves for it: the registered artifact or one rebuilt without takedowns (null: not yet). */
  served: { dir: string; hash: Hex } | null;
};

export type LoadedModel = {
  model: ServedModel;
  runner: PooledModel;
  indexRoot: Hex;
  /** The takedown state the model serves under (receipts name it). */
  takedowns: { count: number; root: Hex };
};

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
  datanets: { datanetId: string; version: string }[];
  created_block: bigint;
};

const cache = new WeakMap<Context, { key: string; models: Promise<ServedModel[]> }>();

/**
 * The node's models (whatever their status), latest version each, with a local artifact. Kept
 * until the indexer commits new chain state or serving changes (a takedown, a tampered artifact,
 * a finished rebuild), so a call does not re-read them.
 */
export function listServedModels(ctx: Context): Promise<ServedModel[]> {
  const key = `${ctx.indexer.indexedBlock()}:${servingRuntime(ctx).generation}`;
  const cached = cache.get(ctx);
  if (cached && cached.key === key) return cached.models;
  const models = readServedModels(ctx);
  cache.set(ctx, { key, models });
  models.catch(() => cache.delete(ctx));
  return models;
}

async function readServedModels(ctx: Context): Promise<ServedModel[]> {
  const rows = await ctx.db.query<ModelRow>(
    `select m.id::text as id, m.developer, m.status, m.pricing, m.split, v.version, v.artifact_hash, v.config_hash,
            v.datanets, m.created_block
     from models m join model_versions v on v.model_id = m.id and v.version = m.version_count
     where m.node = $1 order by m.id`,
    [addressKey(ctx.chain.operator.address)],
  );
  const models: ServedModel[] = [];
  for (const row of rows) {
    const dir = artifactDir(ctx, row.artifact_hash);
    if (!existsSync(join(dir, 'model.json'))) continue;
    const config = await readModelConfig(dir);
    const artifactHash = row.artifact_hash as Hex;
    const mismatch = await checkRegistration(
      ctx.db,
      { modelId: row.id, configHash: row.config_hash, datanets: row.datanets },
      config,
    );
    const takedowns = await modelTakedowns(ctx.db, config);
    const served = mismatch ? null : await servedTarget(ctx, artifactHash, takedowns);
    const model: ServedModel = {
      id: row.id,
      version: row.version,
      name: config.name,
      configName: config.name,
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
      artifactHash,
      configHash: row.config_hash as Hex,
      contextTokens: Number(config.params.contextTokens ?? 8192),
      maxOutputTokens: Number(config.params.maxOutputTokens ?? 1024),
      createdBlock: row.created_block,
      config,
      serving: {
        state: 'ready',
        code: null,
        reason: null,
        takedowns: { count: takedowns.count, root: takedowns.root },
      },
      takedowns,
      served,
    };
    model.serving = servingStateOf(ctx, model, mismatch);
    models.push(model);
  }
  // A model this node refuses to serve holds no name (it cannot squat one).
  const holders = nameHolders(models.filter((m) => m.serving.state !== 'refused'));
  for (const m of models) m.name = callName(m, holders.get(m.configName));
  return models;
}

function servingStateOf(
  ctx: Context,
  model: ServedModel,
  mismatch: { code: string; reason: string } | null,
): ServingState {
  const runtime = servingRuntime(ctx);
  const takedowns = { count: model.takedowns.count, root: model.takedowns.root };
  const state = (s: ServingState['state'], code: string | null = null, reason: string | null = null) => ({
    state: s,
    code,
    reason,
    takedowns,
  });
  if (mismatch) return state('refused', mismatch.code, mismatch.reason);
  const key = rebuildKey(model);
  const failure = runtime.failed.get(key);
  if (failure) return state('refused', 'REBUILD_FAILED', failure);
  if (!model.served) {
    ensureRebuild(ctx, model);
    return state(
      'rebuilding',
      'TAKEDOWN',
      `rebuilding without ${model.takedowns.count} taken-down contributions`,
    );
  }
  if (runtime.tampered.has(model.served.hash.toLowerCase()) || runtime.rebuilding.has(key)) {
    ensureRebuild(ctx, model);
    return state('rebuilding', 'ARTIFACT_TAMPERED', 'its artifact files changed on disk: rebuilding them');
  }
  return state('ready');
}

/**
 * The served model a request names (see modelNames.ts). Unknown → 404; delisted → 403;
 * deprecated → 410; refused by this node → 403; being rebuilt → 503.
 */
export async function resolveModel(ctx: Context, requested: string): Promise<ServedModel> {
  const models = await listServedModels(ctx);
  const id = idOf(requested);
  const model =
    id !== null
      ? models.find((m) => m.id === id)
      : // A name only models this node refuses carry resolves to the first of them (to say why).
        (models.find((m) => m.name === requested) ?? models.find((m) => m.configName === requested));
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
  if (model.serving.state === 'refused') {
    throw forbidden('MODEL_REFUSED', `this node refuses to serve model "${requested}"`, [
      `${model.serving.code}: ${model.serving.reason}`,
      'GET /v1/models/catalog shows every model and why it is or is not served',
    ]);
  }
  if (model.serving.state === 'rebuilding')
    throw new ModelRebuildingError(requested, model.serving.reason ?? '');
  return model;
}

/** A served model as the catalog lists it. */
export const catalogEntry = (m: ServedModel): CatalogModel => ({
  id: m.id,
  name: m.name,
  version: m.version,
  kind: m.kind,
  status: m.status,
  developer: m.developer,
  artifactHash: m.artifactHash,
  configHash: m.configHash,
  pricing: {
    pricePerInputToken: m.pricing.pricePerInputToken.toString(),
    pricePerOutputToken: m.pricing.pricePerOutputToken.toString(),
  },
  split: m.split,
  datanets: m.config.datanets,
  contextTokens: m.contextTokens,
  maxOutputTokens: m.maxOutputTokens,
  serving: m.serving,
});
