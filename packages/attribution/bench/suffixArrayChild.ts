/**
 * Benchmark child: builds the suffix array of a token file (16-bit little-endian tokens) with the
 * current builder (text read straight into a WebAssembly build arena, as a segment lays it out) or
 * the previous TypeScript one, writes it to a file, and prints its measurements as JSON. Run in its
 * own process so that its peak RSS and CPU time are the build's own.
 *
 *   tsx bench/suffixArrayChild.ts --tokens x.u16 --out x.sa --builder current|previous
 */
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSuffixArray, createBuildArena } from '../src/suffixArray.js';
import { peakResidentBytes } from './peakResidentBytes.js';
import { buildSuffixArray as buildPrevious } from './previousSuffixArray.js';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string' },
    out: { type: 'string' },
    builder: { type: 'string', default: 'current' },
  },
});
const fd = openSync(values.tokens!, 'r');
const n = fstatSync(fd).size / 2;
const arena =
  values.builder === 'current' ? createBuildArena({ length: n, tokenWidth: 2, alphabetSize: 65_536 }) : null;
const tokens = arena ? arena.tokens : new Uint16Array(n);
readSync(fd, new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength), 0, tokens.byteLength, 0);
closeSync(fd);
let alphabetSize = 0;
for (let i = 0; i < n; i++) if (tokens[i]! >= alphabetSize) alphabetSize = tokens[i]! + 1;
const cpu = process.cpuUsage();
const start = performance.now();
const sa =
  values.builder === 'current'
    ? buildSuffixArray({ tokens, alphabetSize, arena })
    : buildPrevious({ tokens, alphabetSize });
const seconds = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);
writeFileSync(values.out!, new Uint8Array(sa.buffer, sa.byteOffset, sa.byteLength));
process.stdout.write(
  `${JSON.stringify({
    tokens: n,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssBytes: peakResidentBytes(),
    webAssembly: arena !== null,
  })}\n`,
);
