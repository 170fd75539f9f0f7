/**
 * Prints the initial JavaScript of the built app (the entry chunk and every chunk it imports
 * statically, as the browser loads them before the first page shows), gzipped, and fails over
 * the budget. Pages loaded on navigation (dynamic imports) are listed apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 300 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
type Chunk = { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] };
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  Chunk
>;

const initial = new Set<string>();
const visit = (key: string) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const next of chunk.imports ?? []) visit(next);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const rows = [...initial].filter((f) => f.endsWith('.js')).map((file) => ({ file, gzip: gz(file) }));
const total = rows.reduce((sum, r) => sum + r.gzip, 0);
const lazy = Object.values(manifest)
  .map((c) => c.file)
  .filter((f) => f.endsWith('.js') && !initial.has(f));
const lazyTotal = [...new Set(lazy)].reduce((sum, f) => sum + gz(f), 0);
console.log(
  JSON.stringify({
    initialJsGzipBytes: total,
    budgetBytes: BUDGET,
    initialChunks: rows,
    lazyChunks: new Set(lazy).size,
    lazyJsGzipBytes: lazyTotal,
  }),
);
console.log(`initial JS ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error(`the initial JS is over the budget by ${((total - BUDGET) / 1024).toFixed(1)} KB`);
  process.exit(1);
}
