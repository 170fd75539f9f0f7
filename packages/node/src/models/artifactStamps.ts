/**
 * The cheap tamper check run on every access to a served model: each artifact file's size,
 * modification time and inode, taken when the artifact was last fully hashed, compared with what
 * `stat` says now (and the same set of files). A full re-hash runs periodically as well, since
 * `stat` misses a same-size change whose modification time was reset.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './artifact.js';

export type FileStamp = { path: string; size: number; mtimeMs: number; ino: number };

/** The stamps of every file under `dir`, by path. */
export async function stampArtifact(dir: string): Promise<FileStamp[]> {
  const stamps: FileStamp[] = [];
  for (const path of await listFiles(dir)) {
    const s = await stat(join(dir, path));
    stamps.push({ path, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino });
  }
  return stamps;
}

/** Whether `dir` still holds exactly the files of `stamps`, unchanged by stat. */
export async function stampsUnchanged(dir: string, stamps: readonly FileStamp[]): Promise<boolean> {
  try {
    const now = await stampArtifact(dir);
    return (
      now.length === stamps.length &&
      now.every((s, i) => {
        const was = stamps[i]!;
        return s.path === was.path && s.size === was.size && s.mtimeMs === was.mtimeMs && s.ino === was.ino;
      })
    );
  } catch {
    return false;
  }
}
