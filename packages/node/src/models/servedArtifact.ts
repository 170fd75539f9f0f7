/**
 * The artifact a node serves for a registered model version: the registered one while none of its
 * training contributions is taken down; after a takedown, the artifact rebuilt from the same
 * model.json without them ("derived", under `<home>/served/<hash>`), whose hash is recorded. Both
 * are deterministic builds from public snapshots, so either can be rebuilt at any time: that is how
 * a tampered artifact is repaired, and how anyone re-checks a receipt served after a takedown.
 * Once a derived artifact serves, the files holding the taken-down content are deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import type { Queryable } from '../store/db.js';
import type { ArtifactFile, ModelConfig } from './artifact.js';
import type { TakedownSet } from './takedownSet.js';
import { trainingDocuments } from './trainingDocuments.js';
import { writeArtifact } from './writeArtifact.js';

/** Where the registered artifact with `artifactHash` lives. */
export const artifactDir = (ctx: Pick<Context, 'config'>, artifactHash: string) =>
  join(ctx.config.home, 'models', artifactHash.toLowerCase());

/** Where a derived artifact with `servedHash` lives. */
export const derivedDir = (ctx: Pick<Context, 'config'>, servedHash: string) =>
  join(ctx.config.home, 'served', servedHash.toLowerCase());

/** Records a registered artifact's file list (published so anyone can check model.json against it). */
export async function recordArtifactFiles(db: Queryable, artifactHash: Hex, files: readonly ArtifactFile[]) {
  await db.query(
    'insert into artifact_files (artifact_hash, files) values ($1, $2) on conflict (artifact_hash) do nothing',
    [artifactHash.toLowerCase(), JSON.stringify(files)],
  );
}

/** A registered artifact's file list, if this node recorded it. */
export async function artifactFilesOf(db: Queryable, artifactHash: string): Promise<ArtifactFile[] | null> {
  const [row] = await db.query<{ files: ArtifactFile[] }>(
    'select files from artifact_files where artifact_hash = $1',
    [artifactHash.toLowerCase()],
  );
  return row?.files ?? null;
}

/** A derived artifact the node served: which takedowns it excludes, its hash and index root. */
export type DerivedArtifact = { takedownRoot: Hex; takedowns: string[]; servedHash: Hex; indexRoot: Hex };

/** Every derived artifact of a registered one, oldest first. */
export async function derivedArtifacts(db: Queryable, artifactHash: string): Promise<DerivedArtifact[]> {
  const rows = await db.query<{ takedown_root: Hex; takedowns: string[]; served_hash: Hex; index_root: Hex }>(
    'select takedown_root, takedowns, served_hash, index_root from served_artifacts where artifact_hash = $1 order by created_at, takedown_root',
    [artifactHash.toLowerCase()],
  );
  return rows.map((r) => ({
    takedownRoot: r.takedown_root,
    takedowns: r.takedowns,
    servedHash: r.served_hash,
    indexRoot: r.index_root,
  }));
}

/** What the node must serve for an artifact under a takedown state: its directory and hash (null: not derived yet). */
export async function servedTarget(
  ctx: Context,
  artifactHash: Hex,
  takedowns: TakedownSet,
): Promise<{ dir: string; hash: Hex } | null> {
  if (takedowns.count === 0) return { dir: artifactDir(ctx, artifactHash), hash: artifactHash };
  const [row] = await ctx.db.query<{ served_hash: Hex }>(
    'select served_hash from served_artifacts where artifact_hash = $1 and takedown_root = $2',
    [artifactHash.toLowerCase(), takedowns.root],
  );
  return row ? { dir: derivedDir(ctx, row.served_hash), hash: row.served_hash } : null;
}

/** Thrown when a rebuild does not reproduce the hash it must have. */
export class RebuildMismatchError extends Error {
  override name = 'RebuildMismatchError';
}

export type RebuildServedParameters = { artifactHash: Hex; config: ModelConfig; takedowns: TakedownSet };

/**
 * Rebuilds what the node serves for `artifactHash` under `takedowns` from the datanet versions'
 * content, checks it against the hash it must have (the registered one, or the derived one
 * recorded before), and puts it in place.
 */
export async function rebuildServed(
  ctx: Context,
  p: RebuildServedParameters,
): Promise<{ dir: string; hash: Hex }> {
  const documents = await trainingDocuments(ctx, p.config, new Set(p.takedowns.ids));
  const work = join(ctx.config.home, 'models', `rebuild-${randomBytes(6).toString('hex')}`);
  try {
    const {
      artifactHash: hash,
      files,
      index,
    } = await writeArtifact({ dir: work, config: p.config, documents });
    const indexRoot = index.indexRoot as Hex;
    await index.close();
    const expected = await servedTarget(ctx, p.artifactHash, p.takedowns);
    if (expected && expected.hash.toLowerCase() !== hash.toLowerCase()) {
      throw new RebuildMismatchError(
        `the rebuild from the datanet versions hashes to ${hash}, not the ${p.takedowns.count === 0 ? 'registered' : 'recorded'} ${expected.hash}`,
      );
    }
    const dir = p.takedowns.count === 0 ? artifactDir(ctx, p.artifactHash) : derivedDir(ctx, hash);
    await mkdir(join(dir, '..'), { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    if (p.takedowns.count === 0) await recordArtifactFiles(ctx.db, p.artifactHash, files);
    else {
      await ctx.db.query(
        `insert into served_artifacts (artifact_hash, takedown_root, takedowns, served_hash, index_root)
         values ($1, $2, $3, $4, $5) on conflict do nothing`,
        [p.artifactHash.toLowerCase(), p.takedowns.root, JSON.stringify(p.takedowns.ids), hash, indexRoot],
      );
      await purgeSuperseded(ctx, p.artifactHash, p.takedowns.root);
    }
    return { dir, hash };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Deletes what held content taken down since: the registered artifact's files but model.json, and
 * derived artifacts for smaller takedown sets.
 */
async function purgeSuperseded(ctx: Context, artifactHash: Hex, currentRoot: Hex): Promise<void> {
  const registered = artifactDir(ctx, artifactHash);
  for (const entry of await readdir(registered).catch(() => [] as string[])) {
    if (entry !== 'model.json') await rm(join(registered, entry), { recursive: true, force: true });
  }
  for (const d of await derivedArtifacts(ctx.db, artifactHash)) {
    if (d.takedownRoot !== currentRoot)
      await rm(derivedDir(ctx, d.servedHash), { recursive: true, force: true });
  }
}
