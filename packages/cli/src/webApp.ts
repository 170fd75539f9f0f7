/** Where the built web app is (packages/web/dist), for the node to serve at `/`; undefined if not built. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function webAppDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@tributary/web/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}
