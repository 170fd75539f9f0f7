#!/usr/bin/env node
/**
 * Runs forge from the platform package npm installed, passing its exit status on.
 *
 * Why not `forge` from node_modules/.bin: that launcher (@foundry-rs/forge's bin.mjs, 1.7.1) exits
 * 0 whatever forge returns, so failing tests would pass `npm test` and CI.
 *
 *   node tools/forge.mjs test --match-path 'test/rewards/*'
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const arch = process.arch === 'x64' ? 'amd64' : process.arch;
const pkg = `@foundry-rs/forge-${process.platform}-${arch}`;
let binary;
try {
  binary = join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'bin', 'forge');
} catch {
  console.error(
    `forge is not installed for ${process.platform}-${arch} (${pkg}): run \`npm install\` at the repository root`,
  );
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`could not run ${binary}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1);
});
