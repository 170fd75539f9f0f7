/**
 * Model artifacts: a directory holding the model's configuration (model.json), the attribution
 * index of its exact datanet versions, and kind-specific files. Its hash — sha256 over the sorted
 * list of (path, sha256, size) of every file — is what ModelRegistry records, so a node can prove
 * it serves exactly the registered model and refuses one whose files changed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { canonicalJson, type ModelKind } from '@tributary/protocol';
import type { Hex } from 'viem';

export const ARTIFACT_FORMAT = 'tributary-artifact/1';
export const MODEL_CONFIG_FORMAT = 'tributary-model/1';

export type { ModelKind };

/** model.json: what the model is and what it was built from. */
export type ModelConfig = {
  format: typeof MODEL_CONFIG_FORMAT;
  name: string;
  kind: ModelKind;
  /** Kind-specific settings (context length, default sampling, upstream name…). */
  params: Record<string, unknown>;
  datanets: { datanetId: string; version: number; manifestRoot: Hex }[];
  tokenizer: string;
  /** Contributions of those versions left out because they were taken down before the build. */
  excluded: string[];
};

/** One file of an artifact: the artifact hash is over the sorted list of these. */
export type ArtifactFile = { path: string; sha256: string; bytes: number };

/** The files of the artifact in `dir`, sorted by path, with their sha256 and size. */
export async function listArtifactFiles(dir: string): Promise<ArtifactFile[]> {
  const files: ArtifactFile[] = [];
  for (const path of listFiles(dir)) {
    const full = join(dir, path);
    files.push({ path, sha256: await sha256File(full), bytes: (await stat(full)).size });
  }
  return files;
}

/** The artifact hash of a file list (what ModelRegistry records). */
export const artifactHashOf = (files: readonly ArtifactFile[]): Hex =>
  `0x${createHash('sha256')
    .update(canonicalJson({ format: ARTIFACT_FORMAT, files }))
    .digest('hex')}`;

/** The artifact hash of the directory `dir`. */
export async function hashArtifact(dir: string): Promise<Hex> {
  return artifactHashOf(await listArtifactFiles(dir));
}

/** Reads an artifact's model.json. */
export async function readModelConfig(dir: string): Promise<ModelConfig> {
  return JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelConfig;
}

/** The config hash: sha256 of model.json's canonical bytes. */
export const configHashOf = (config: ModelConfig): Hex =>
  `0x${createHash('sha256').update(canonicalJson(config)).digest('hex')}`;

/**
 * The relative paths of the files under `dir`, sorted. Synchronous: an artifact holds a handful
 * of files, listed in microseconds (its tamper check runs on every call).
 */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
