/**
 * The bootstrap of the node's worker threads (runner pool, embedded database): it imports the
 * compiled entry, or — when the node runs from its TypeScript sources (tsx, vitest) — registers
 * tsx in the worker first. Pass the result to `new Worker(code, { eval: true })`.
 */
import { createRequire } from 'node:module';

/** `entry`: the worker's module next to the caller, named without extension (`./runnerWorker`). */
export function workerCode(entry: string, callerUrl: string): string {
  const source = callerUrl.endsWith('.ts');
  const url = new URL(`${entry}${source ? '.ts' : '.js'}`, callerUrl).href;
  if (!source) return `import(${JSON.stringify(url)})`;
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
}
