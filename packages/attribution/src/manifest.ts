/**
 * The index manifest (`manifest.json`): which segment files make up the index, their checksums,
 * the tombstones (removed contributions) and the counters for new segments and documents. It is
 * replaced atomically (written to a temporary file, synced, renamed, directory synced), so a crash
 * leaves either the old or the new manifest.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeContributionId } from './contributionId.js';
import { CorruptManifestError } from './errors.js';
import { tokenizerName } from './tokenizerName.js';

export const manifestFileName = 'manifest.json';
const manifestFormat = 'tributary-attribution-index';
const manifestVersion = 1;

export type ManifestSegment = {
  /** File name inside the index directory. */
  file: string;
  /** Hex SHA-256 of the segment file. */
  checksum: string;
  /** Tokens in documents (separators excluded). */
  tokens: number;
  documents: number;
};

export type Manifest = {
  format: typeof manifestFormat;
  version: typeof manifestVersion;
  tokenizer: string;
  nextSegmentNumber: number;
  nextDocumentId: number;
  segments: ManifestSegment[];
  /** Removed contribution ids, in numeric order. */
  tombstones: string[];
};

/** A manifest for a new, empty index. */
export function emptyManifest(): Manifest {
  return {
    format: manifestFormat,
    version: manifestVersion,
    tokenizer: tokenizerName,
    nextSegmentNumber: 1,
    nextDocumentId: 0,
    segments: [],
    tombstones: [],
  };
}

/**
 * Reads and checks the manifest of an index directory; undefined when there is none.
 * @example
 * const manifest = await readManifest({ directory: './index' });
 */
export async function readManifest(parameters: { directory: string }): Promise<Manifest | undefined> {
  const path = join(parameters.directory, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CorruptManifestError(path, ['the manifest cannot be read'], error);
  }
  let value: Manifest;
  try {
    value = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new CorruptManifestError(path, ['the manifest is not valid JSON'], error);
  }
  const problems: string[] = [];
  if (value?.format !== manifestFormat) problems.push(`format is ${JSON.stringify(value?.format)}`);
  if (value?.version !== manifestVersion)
    problems.push(`unsupported version ${JSON.stringify(value?.version)}`);
  if (value?.tokenizer !== tokenizerName) problems.push(`tokenizer is ${JSON.stringify(value?.tokenizer)}`);
  if (!Number.isSafeInteger(value?.nextSegmentNumber) || !Number.isSafeInteger(value?.nextDocumentId)) {
    problems.push('counters are missing');
  }
  if (!Array.isArray(value?.segments) || !Array.isArray(value?.tombstones))
    problems.push('lists are missing');
  else {
    const files = new Set<string>();
    for (const segment of value.segments) {
      if (
        typeof segment?.file !== 'string' ||
        !/^seg-\d{6,}\.tseg$/.test(segment.file) ||
        typeof segment.checksum !== 'string' ||
        !/^[0-9a-f]{64}$/.test(segment.checksum)
      ) {
        problems.push(`bad segment entry ${JSON.stringify(segment)}`);
      } else if (files.has(segment.file)) {
        problems.push(`segment ${JSON.stringify(segment.file)} is listed twice`);
      } else files.add(segment.file);
    }
    for (const id of value.tombstones) {
      try {
        normalizeContributionId({ value: id });
      } catch {
        problems.push(`bad tombstone ${JSON.stringify(id)}`);
      }
    }
  }
  if (problems.length > 0) throw new CorruptManifestError(path, problems);
  return value;
}

/**
 * Replaces the manifest atomically and durably.
 * @example
 * await writeManifest({ directory: './index', manifest });
 */
export async function writeManifest(parameters: { directory: string; manifest: Manifest }): Promise<void> {
  const { directory, manifest } = parameters;
  const path = join(directory, manifestFileName);
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await syncDirectory(directory);
}

/** Flushes a directory's entries (renames, new files) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems do not support syncing directories; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
