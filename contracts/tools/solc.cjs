#!/usr/bin/env node
// Forge cannot download solc on machines without GitHub access, so foundry.toml's `solc` points
// here: this script speaks just enough of the solc CLI for forge (`--version`, and
// `--standard-json` on stdin; other flags ignored) backed by the pinned `solc` npm package.
'use strict';
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('tools/solc.cjs: only --version and --standard-json are supported\n');
  process.exit(2);
}
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  // forge inlines every source it resolved, so solcjs needs no import callback.
  process.stdout.write(solc.compile(Buffer.concat(chunks).toString('utf8')));
});
