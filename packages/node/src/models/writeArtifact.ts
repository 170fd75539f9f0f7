/**
 * Writing a model artifact's files: model.json, the attribution index of its training documents and
 * the kind's files, then the artifact hash. The node's build and anyone's public rebuild both go
 * through here, so the same configuration and documents give the same hash.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttributionIndex } from '@tributary/attribution';
import { canonicalJson } from '@tributary/protocol';
import type { Hex } from 'viem';
import { type ArtifactFile, artifactHashOf, listArtifactFiles, type ModelConfig } from './artifact.js';
import { buildKindFiles } from './kindFiles.js';
import { buildTrainingIndex, canonicalOrder, type TrainingDocument } from './trainingIndex.js';

export type WriteArtifactParameters = {
  /** The artifact directory (whatever it holds is replaced). */
  dir: string;
  config: ModelConfig;
  documents: readonly TrainingDocument[];
  onProgress?: ((done: number, total: number) => Promise<void> | void) | undefined;
};

export type WriteArtifactReturnType = {
  artifactHash: Hex;
  /** The files the hash is over (publishable: hashes and sizes only). */
  files: ArtifactFile[];
  /** The artifact's attribution index, open (the caller closes it). */
  index: AttributionIndex;
};

/**
 * Writes an artifact into `dir` and hashes it.
 * @example
 * const { artifactHash, index } = await writeArtifact({ dir, config, documents });
 * await index.close();
 */
export async function writeArtifact(p: WriteArtifactParameters): Promise<WriteArtifactReturnType> {
  await rm(p.dir, { recursive: true, force: true });
  await mkdir(p.dir, { recursive: true });
  await writeFile(join(p.dir, 'model.json'), canonicalJson(p.config));
  const documents = canonicalOrder(p.documents);
  const index = await buildTrainingIndex({
    directory: join(p.dir, 'index'),
    documents,
    ...(p.onProgress ? { onProgress: p.onProgress } : {}),
  });
  try {
    await buildKindFiles({ kind: p.config.kind, dir: p.dir, documents });
    const files = await listArtifactFiles(p.dir);
    return { artifactHash: artifactHashOf(files), files, index };
  } catch (error) {
    await index.close();
    throw error;
  }
}
