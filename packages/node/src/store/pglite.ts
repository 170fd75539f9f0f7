/**
 * Opens embedded PGlite the way the node reads it everywhere: int8 as bigint (numeric stays a
 * string, timestamptz a Date, jsonb an object). Used on the request thread or in the database's
 * worker thread (`pgliteWorker.ts`).
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const INT8 = 20;

/** `dataDir`: PGlite's data directory (omitted: in memory). */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir ?? 'memory://', { parsers: { [INT8]: (value: string) => BigInt(value) } });
}
