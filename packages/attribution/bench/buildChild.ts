/**
 * Benchmark child: generates a Zipf corpus of the given size, builds one segment from it, writes
 * the segment and a manifest into a directory (an index that the parent opens), and prints its
 * measurements as JSON. Run in its own process so that peak RSS is this build's alone.
 *
 *   tsx bench/buildChild.ts --tokens 10000000 --directory /tmp/x [--seed 1]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emptyManifest, writeManifest } from '../src/manifest.js';
import { allocateSegmentText, finishSegmentSteps, type SegmentLayout } from '../src/segment.js';
import { writeSegmentFile } from '../src/segmentFile.js';
import { runSteps } from '../src/steps.js';
import type { BuildArena } from '../src/suffixArray.js';
import { peakResidentBytes } from './peakResidentBytes.js';
import { generateZipfCorpus } from './zipfCorpus.js';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string' },
    directory: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'documents-per-contribution': { type: 'string', default: '10' },
  },
});
const tokens = Number(values.tokens);
const directory = values.directory!;
const perContribution = Number(values['documents-per-contribution']);

const baselineRssBytes = process.memoryUsage().rss;
let t = performance.now();
// The text is generated straight into the segment's build arena, as a segment build lays it out.
let arena: BuildArena | null = null;
const corpus = generateZipfCorpus({
  tokens,
  seed: Number(values.seed),
  separators: true,
  allocate: (length, alphabetSize) => {
    const text = allocateSegmentText({ length, alphabetSize });
    arena = text.arena;
    return text.tokens;
  },
});
const generateSeconds = (performance.now() - t) / 1000;

// Lay out the segment: the generator already wrote dense ids 1..V with separators; the vocabulary
// is the identity (the symbols stand for token ids 1..V).
t = performance.now();
const documents = corpus.documentStarts.length - 1;
const counts = new Uint32Array(corpus.vocabulary + 1);
const text = corpus.tokens;
for (let i = 0; i < text.length; i++) counts[text[i]!]!++;
const contributions = Array.from({ length: Math.ceil(documents / perContribution) }, (_, c) => ({
  contributionId: String(c + 1),
  contributor: `0x${(c % 1000).toString(16).padStart(40, '0')}`,
  datanetId: '1',
}));
const layout: SegmentLayout = {
  tokens: text,
  arena,
  vocabulary: Uint32Array.from({ length: corpus.vocabulary }, (_, d) => d + 1),
  counts,
  documentStarts: corpus.documentStarts,
  documentIds: Uint32Array.from({ length: documents }, (_, d) => d),
  documentContributions: Uint32Array.from({ length: documents }, (_, d) => Math.floor(d / perContribution)),
  contributions,
};
const layoutSeconds = (performance.now() - t) / 1000;

t = performance.now();
const segment = runSteps(finishSegmentSteps(layout));
const buildSeconds = (performance.now() - t) / 1000;

t = performance.now();
const file = 'seg-000001.tseg';
const { checksum, bytes } = await writeSegmentFile({ path: join(directory, file), segment });
await writeManifest({
  directory,
  manifest: {
    ...emptyManifest(),
    nextSegmentNumber: 2,
    nextDocumentId: documents,
    segments: [{ file, checksum, tokens: segment.tokenCount, documents }],
  },
});
const writeSeconds = (performance.now() - t) / 1000;

process.stdout.write(
  `${JSON.stringify({
    tokens: segment.tokenCount,
    textLength: segment.tokens.length,
    documents,
    contributions: contributions.length,
    vocabulary: corpus.vocabulary,
    tokenWidth: segment.tokens.BYTES_PER_ELEMENT,
    suffixArrayBits: segment.suffixArray.bits,
    generateSeconds,
    layoutSeconds,
    buildSeconds,
    writeSeconds,
    baselineRssBytes,
    peakRssBytes: peakResidentBytes(),
    webAssembly: arena !== null,
    fileBytes: bytes,
  })}\n`,
);
