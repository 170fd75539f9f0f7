/**
 * Bundles a benchmark child script into one plain JavaScript file (esbuild), so that the child runs
 * on bare Node like a deployed build would: without the TypeScript loader's ~40 MB in its RSS.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Writes `<directory>/<name>.mjs` from a TypeScript entry point and returns its path.
 * @example
 * const script = await bundleChild({ entry: join(here, 'buildChild.ts'), directory: tmp });
 */
export async function bundleChild(parameters: { entry: string; directory: string }): Promise<string> {
  const name = parameters.entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const outfile = join(parameters.directory, `${name}.mjs`);
  await build({
    entryPoints: [parameters.entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}
