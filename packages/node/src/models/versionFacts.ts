/**
 * A model version's public facts: what anyone needs to re-check its receipts without keys — its
 * configuration, the registered artifact's file list (which hashes to the on-chain artifact hash
 * and binds model.json without revealing the other files), and every artifact the node derived
 * from it after takedowns (the takedown set each excludes, its hash and index root).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { type ArtifactFile, type ModelConfig, readModelConfig } from './artifact.js';
import { artifactDir, artifactFilesOf, type DerivedArtifact, derivedArtifacts } from './servedArtifact.js';

export type ModelVersionFacts = {
  modelId: string;
  version: number;
  artifactHash: string;
  configHash: string;
  datanets: unknown;
  config: ModelConfig | null;
  files: ArtifactFile[] | null;
  derived: DerivedArtifact[];
};

/** The public facts of model `modelId` version `version` (404 when the chain has no such version). */
export async function modelVersionFacts(
  ctx: Context,
  modelId: string,
  version: number,
): Promise<ModelVersionFacts> {
  const [row] = await ctx.db.query<{ artifact_hash: string; config_hash: string; datanets: unknown }>(
    'select artifact_hash, config_hash, datanets from model_versions where model_id = $1 and version = $2',
    [modelId, version],
  );
  if (!row) throw notFound(`model ${modelId} version ${version}`);
  const dir = artifactDir(ctx, row.artifact_hash);
  const config = existsSync(join(dir, 'model.json')) ? await readModelConfig(dir) : null;
  return {
    modelId,
    version,
    artifactHash: row.artifact_hash,
    configHash: row.config_hash,
    datanets: row.datanets,
    config,
    files: await artifactFilesOf(ctx.db, row.artifact_hash),
    derived: await derivedArtifacts(ctx.db, row.artifact_hash),
  };
}
