/**
 * Content-addressed blobs on the filesystem: a blob's name is the sha256 of its bytes. Writes are
 * atomic (temp file, fsync, rename) so a crash never leaves a partial blob under a real name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type BlobStore = ReturnType<typeof createBlobStore>;

/** sha256 of `bytes` as 64 lower-case hex digits. */
export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const isHash = (hash: string) => /^[0-9a-f]{64}$/.test(hash);

/** A blob store rooted at `dir`. */
export function createBlobStore(dir: string) {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const pathOf = (hash: string) => {
    if (!isHash(hash)) throw new RangeError(`not a sha256 hex digest: ${hash}`);
    return join(dir, hash.slice(0, 2), hash);
  };
  return {
    /** Stores `bytes` and returns their sha256; storing the same bytes twice is a no-op. */
    async put(bytes: Uint8Array): Promise<string> {
      const hash = sha256Hex(bytes);
      const target = pathOf(hash);
      if (await exists(target)) return hash;
      mkdirSync(join(dir, hash.slice(0, 2)), { recursive: true });
      const temporary = join(dir, 'tmp', `${hash}.${randomBytes(6).toString('hex')}`);
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
      return hash;
    },
    /** The bytes of blob `hash`, or null if it is not (or no longer) stored. */
    async get(hash: string): Promise<Buffer | null> {
      try {
        return await readFile(pathOf(hash));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    has: (hash: string) => exists(pathOf(hash)),
    /** Deletes blob `hash` (takedowns); deleting a missing blob is a no-op. */
    async delete(hash: string): Promise<void> {
      await rm(pathOf(hash), { force: true });
    },
    /** Every stored blob, one two-digit prefix directory at a time, with its last write time. */
    async *list(): AsyncGenerator<{ hash: string; bytes: number; modifiedMs: number }[]> {
      for (const prefix of (await readdir(dir)).filter((d) => /^[0-9a-f]{2}$/.test(d)).sort()) {
        const found = [];
        for (const name of await readdir(join(dir, prefix))) {
          if (!isHash(name)) continue;
          const info = await stat(join(dir, prefix, name)).catch(() => null);
          if (info) found.push({ hash: name, bytes: info.size, modifiedMs: info.mtimeMs });
        }
        if (found.length > 0) yield found;
      }
    },
    /** Deletes temporary files (interrupted writes) older than `graceMs`; returns how many. */
    async sweepTemporary(graceMs: number): Promise<number> {
      let removed = 0;
      for (const name of await readdir(join(dir, 'tmp'))) {
        const path = join(dir, 'tmp', name);
        const info = await stat(path).catch(() => null);
        if (info && Date.now() - info.mtimeMs > graceMs) {
          await rm(path, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
