/**
 * Building ("training") a model artifact from exact datanet versions: their contributions' texts
 * go into a fresh attribution index (deterministically: same versions, same bytes), kind-specific
 * files are added, and the directory is named by its hash.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { compareContributionIds, tokenizerName } from '@tributary/attribution';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { versionItems } from '../datanets/manifest.js';
import { getVersion } from '../datanets/versions.js';
import { badRequest, conflict } from '../errors.js';
import { configHashOf, MODEL_CONFIG_FORMAT, type ModelConfig, type ModelKind } from './artifact.js';
import { recordArtifactFiles } from './servedArtifact.js';
import type { TrainingDocument } from './trainingIndex.js';
import { writeArtifact } from './writeArtifact.js';

export type BuildArtifactParameters = {
  name: string;
  kind: ModelKind;
  params: Record<string, unknown>;
  datanets: { datanetId: string; version: number }[];
  /** Scratch directory for this build (its leftovers from an interrupted run are reused or replaced). */
  workDir: string;
  onProgress?: (done: number, total: number) => Promise<void> | void;
};

export type BuildArtifactReturnType = {
  artifactHash: Hex;
  configHash: Hex;
  dir: string;
  config: ModelConfig;
};

/** Builds the artifact and moves it to `<home>/models/<artifactHash>`. */
export async function buildArtifact(
  ctx: Context,
  p: BuildArtifactParameters,
): Promise<BuildArtifactReturnType> {
  if (p.datanets.length === 0) throw badRequest('a model needs at least one datanet version');
  const refs = [...p.datanets].sort((a, b) => compareContributionIds(a.datanetId, b.datanetId));
  const documents: TrainingDocument[] = [];
  const excluded: string[] = [];
  const datanets: ModelConfig['datanets'] = [];
  for (const ref of refs) {
    const version = await getVersion(ctx, ref.datanetId, ref.version);
    if (version.status !== 'committed') {
      throw conflict(
        'VERSION_NOT_COMMITTED',
        `version ${ref.version} of datanet ${ref.datanetId} is ${version.status}, not committed`,
      );
    }
    datanets.push({ datanetId: ref.datanetId, version: ref.version, manifestRoot: version.manifestRoot });
    for (const item of await versionItems(ctx.db, ref.datanetId, ref.version)) {
      const bytes = await ctx.blobs.get(item.contentHash.slice(2));
      if (!bytes) {
        excluded.push(item.id.toString());
        continue;
      }
      documents.push({
        contributionId: item.id.toString(),
        contributor: item.contributor,
        datanetId: ref.datanetId,
        text: new TextDecoder().decode(bytes),
      });
    }
  }
  if (documents.length === 0)
    throw conflict('NO_TRAINING_DATA', 'the datanet versions hold no content to build a model from');

  const config: ModelConfig = {
    format: MODEL_CONFIG_FORMAT,
    name: p.name,
    kind: p.kind,
    params: p.params,
    datanets,
    tokenizer: tokenizerName,
    excluded,
  };
  const { artifactHash, files, index } = await writeArtifact({
    dir: p.workDir,
    config,
    documents,
    onProgress: p.onProgress,
  });
  await index.close();
  const dir = join(ctx.config.home, 'models', artifactHash);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(ctx.config.home, 'models'), { recursive: true });
  await rename(p.workDir, dir);
  await recordArtifactFiles(ctx.db, artifactHash, files);
  return { artifactHash, configHash: configHashOf(config), dir, config };
}
