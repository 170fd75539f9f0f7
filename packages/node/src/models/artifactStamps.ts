/**
 * The cheap tamper check run on every access to a served model: each artifact file's size,
 * modification and change times and inode, taken when the artifact was last fully hashed, compared
 * with what `stat` says now (and the same set of files). Any write or `utimes` moves the change
 * time (ctime), which no user can set back; a periodic full re-hash covers what bypasses the file
 * system (a raw device write, bit rot).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from './artifact.js';

export type FileStamp = { path: string; size: number; mtimeMs: number; ctimeMs: number; ino: number };

/**
 * The stamps of every file under `dir`, by path. Synchronous on purpose: a few `stat`s of cached
 * inodes take microseconds, while each awaited one waits its turn in libuv's thread pool (about a
 * millisecond per call that checked, measured under the bench's load).
 */
export async function stampArtifact(dir: string): Promise<FileStamp[]> {
  const stamps: FileStamp[] = [];
  for (const path of listFiles(dir)) {
    const s = statSync(join(dir, path));
    stamps.push({ path, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino });
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
        return (
          s.path === was.path &&
          s.size === was.size &&
          s.mtimeMs === was.mtimeMs &&
          s.ctimeMs === was.ctimeMs &&
          s.ino === was.ino
        );
      })
    );
  } catch {
    return false;
  }
}
