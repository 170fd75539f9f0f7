#!/usr/bin/env node
// The built CLI (npm run build). Developers run the TypeScript sources with `npm run tributary`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tributary is not built: run `npm run build` in the repository first\n');
  process.exit(2);
}
await import(entry.href);
