/**
 * Attribution benchmark: prints one JSON object with build throughput, peak memory, disk size,
 * query latencies, time-to-attributable and planted-span recovery, for a synthetic Zipf corpus at
 * each size and for a real text corpus, with baselines measured in the same run.
 *
 *   npm run bench -w @tributary/attribution                      # sizes 10e6,100e6
 *   npm run bench -w @tributary/attribution -- --sizes 1e6       # quick run
 *   options: --sizes a,b  --baseline-size 1e6  --outputs 200  --skip-real  --skip-baselines
 *
 * The real corpus is the reStructuredText sources of the Python documentation from the Debian
 * package python3.11-doc (`apt-get install -y python3.11-doc`); without it that part is skipped.
 * Progress goes to stderr; the JSON is also written to bench-results/ (git-ignored).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { attribute } from '../src/attribute.js';
import { type AttributionIndex, openIndex } from '../src/attributionIndex.js';
import { count } from '../src/count.js';
import { findOccurrences } from '../src/findOccurrences.js';
import { longestMatches } from '../src/longestMatches.js';
import { buildSegment, encodingIds, toDense } from '../src/segment.js';
import { buildSuffixArray, buildSuffixArrayByComparisonSort } from '../src/suffixArray.js';
import { tokenIds, tokenizerName } from '../src/tokenizer.js';
import { traceSpans } from '../src/traceSpans.js';
import { bundleChild } from './bundleChild.js';
import { measureFairness } from './fairnessBench.js';
import { makePlantedOutputs, scoreRecovery } from './plantedSpans.js';
import { debianCopyrightCorpus, linuxDocCorpus, pythonDocCorpus } from './realCorpora.js';
import { measureSuffixArrayBuild } from './suffixArrayBench.js';
import { createTextGenerator } from './syntheticText.js';
import { createRandom, generateZipfCorpus } from './zipfCorpus.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10e6,100e6' },
    'baseline-size': { type: 'string', default: '1e6' },
    outputs: { type: 'string', default: '200' },
    'skip-real': { type: 'boolean', default: false },
    'skip-baselines': { type: 'boolean', default: false },
    'skip-fairness': { type: 'boolean', default: false },
    /** Run only these parts (comma-separated: baselines, synthetic, real, fairness, suffix-array). */
    only: { type: 'string' },
    'sa-tokens': { type: 'string', default: '20e6' },
    'sa-runs': { type: 'string', default: '2' },
    positives: { type: 'string', default: '200' },
    negatives: { type: 'string', default: '100' },
  },
});
const sizes = args.sizes!.split(',').map(Number);
const baselineSize = Number(args['baseline-size']);
const outputCount = Number(args.outputs);
const outputTokens = 500;
const here = fileURLToPath(new URL('.', import.meta.url));
const pythonDocs = '/usr/share/doc/python3.11/html/_sources';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const ms = (start: number) => performance.now() - start;

function percentiles(samples: number[]): { p50Ms: number; p99Ms: number; meanMs: number; samples: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    samples: sorted.length,
  };
}

/** The build child, bundled once into plain JavaScript (run on bare Node, as a deployment would). */
let buildChildScript: Promise<string> | undefined;

async function buildInChild(tokens: number, directory: string): Promise<Record<string, number>> {
  buildChildScript ??= mkdtemp(join(tmpdir(), 'attribution-child-')).then((d) =>
    bundleChild({ entry: join(here, 'buildChild.ts'), directory: d }),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [await buildChildScript, '--tokens', String(tokens), '--directory', directory],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as Record<string, number>;
}

/** The documents of an index's first segment as token-id arrays (for sampling queries). */
function documentSampler(index: AttributionIndex, seed: number) {
  const { segment } = index.snapshot.segments[0]!;
  const random = createRandom(seed);
  return (minLength: number, maxLength: number): number[] => {
    for (;;) {
      const d = Math.floor(random() * segment.documentCount);
      const start = segment.documentStarts[d]!;
      const length = segment.documentStarts[d + 1]! - 1 - start;
      if (length < minLength) continue;
      const take = Math.min(length, minLength + Math.floor(random() * (maxLength - minLength + 1)));
      const at = start + Math.floor(random() * (length - take + 1));
      return Array.from(encodingIds(segment, at, at + take));
    }
  };
}

/**
 * 500-token outputs: novel Zipf tokens (same token frequencies, another seed) with 1–3 passages of
 * 20–100 tokens copied from random documents. Sources: every contribution holding a passage.
 */
function syntheticOutputs(index: AttributionIndex, count: number) {
  const sample = documentSampler(index, 77);
  const novel = generateZipfCorpus({ tokens: count * outputTokens, seed: 4242 }).tokens;
  const random = createRandom(99);
  const outputs: { tokens: number[]; sources: string[] }[] = [];
  let cursor = 0;
  for (let o = 0; o < count; o++) {
    const passages = 1 + Math.floor(random() * 3);
    const parts: number[][] = [];
    const sources = new Set<string>();
    for (let p = 0; p < passages; p++) {
      const passage = sample(20, 100);
      parts.push(passage);
      for (const hit of findOccurrences({ index, tokens: passage, limit: 10_000 }).occurrences) {
        sources.add(hit.contributionId);
      }
    }
    const novelLength = Math.max(0, outputTokens - parts.reduce((sum, p) => sum + p.length, 0));
    const gap = Math.floor(novelLength / (passages + 1));
    const tokens: number[] = [];
    for (const part of parts) {
      tokens.push(...novel.subarray(cursor, cursor + gap), ...part);
      cursor += gap;
    }
    const rest = novelLength - gap * passages;
    tokens.push(...novel.subarray(cursor, cursor + rest));
    cursor += rest;
    outputs.push({ tokens, sources: [...sources] });
  }
  return outputs;
}

async function measureSynthetic(tokens: number, options: { fresh: boolean; merge: boolean }) {
  const directory = await mkdtemp(join(tmpdir(), 'attribution-bench-'));
  try {
    log(`synthetic ${tokens / 1e6}M tokens: building in a child process`);
    const built = await buildInChild(tokens, directory);
    const buildTokensPerSecond = built.tokens! / (built.layoutSeconds! + built.buildSeconds!);
    let t = performance.now();
    const index = await openIndex({ directory });
    const openSeconds = ms(t) / 1000;
    log(`  built at ${round(buildTokensPerSecond / 1e6, 2)}M tokens/s; opened in ${round(openSeconds, 2)} s`);

    const sample = documentSampler(index, 5);
    for (let w = 0; w < 200; w++) count({ index, tokens: sample(1, 8) });
    const countTimes: number[] = [];
    for (let q = 0; q < 2000; q++) {
      const ngram = sample(1, 8);
      t = performance.now();
      count({ index, tokens: ngram });
      countTimes.push(ms(t));
    }

    const outputs = syntheticOutputs(index, outputCount);
    for (const o of outputs.slice(0, 10)) traceSpans({ index, tokens: o.tokens });
    const traceTimes: number[] = [];
    let spans = 0;
    for (const o of outputs) {
      t = performance.now();
      const result = traceSpans({ index, tokens: o.tokens });
      traceTimes.push(ms(t));
      spans += result.spans.length;
    }
    const attributeTimes: number[] = [];
    const results = outputs.map((o) => {
      t = performance.now();
      const result = attribute({ index, tokens: o.tokens });
      attributeTimes.push(ms(t));
      return result;
    });
    const planted = scoreRecovery(
      results.map((r, k) => ({
        sources: outputs[k]!.sources,
        weights: new Map(r.contributions.map((c) => [c.contributionId, c.ppm])),
      })),
    );
    log(`  traceSpans p50 ${percentiles(traceTimes).p50Ms} ms, p99 ${percentiles(traceTimes).p99Ms} ms`);

    const result: Record<string, unknown> = {
      tokens: built.tokens,
      documents: built.documents,
      contributions: built.contributions,
      vocabulary: built.vocabulary,
      tokenWidthBytes: built.tokenWidth,
      suffixArrayBits: built.suffixArrayBits,
      build: {
        tokensPerSecond: Math.round(buildTokensPerSecond),
        seconds: round(built.layoutSeconds! + built.buildSeconds!),
        layoutSeconds: round(built.layoutSeconds!),
        suffixArrayAndPackSeconds: round(built.buildSeconds!),
        corpusGenerationSeconds: round(built.generateSeconds!),
        writeSeconds: round(built.writeSeconds!),
      },
      memory: {
        note: 'the build child runs bundled on bare Node (no TypeScript loader), its text laid out in the WebAssembly build arena',
        webAssembly: built.webAssembly,
        peakRssBytes: built.peakRssBytes,
        peakRssBytesPerToken: round(built.peakRssBytes! / built.tokens!, 2),
        processBaselineRssBytes: built.baselineRssBytes,
        peakAboveBaselineBytesPerToken: round(
          (built.peakRssBytes! - built.baselineRssBytes!) / built.tokens!,
          2,
        ),
      },
      disk: { bytes: built.fileBytes, bytesPerToken: round(built.fileBytes! / built.tokens!, 3) },
      open: { seconds: round(openSeconds) },
      count: { ...percentiles(countTimes), ngramTokens: '1-8, sampled from the corpus' },
      traceSpans: {
        ...percentiles(traceTimes),
        outputTokens,
        meanSpansPerOutput: round(spans / outputs.length, 2),
      },
      attribute: percentiles(attributeTimes),
      plantedRecovery: {
        ...planted,
        note: 'outputs: 1–3 passages of 20–100 tokens copied from documents between novel Zipf tokens; sources: contributions holding a passage; precision counts any contribution given weight > 0',
      },
    };
    if (options.fresh) result.freshDocument = await measureFreshDocument(index);
    if (options.merge) result.merge = await measureMerge(index);
    await index.close();
    return result;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Time from adding a 10 KB document to an index to it being attributable. */
async function measureFreshDocument(index: AttributionIndex) {
  const generator = createTextGenerator({ seed: 555 });
  let text = generator.text(1500);
  while (text.length < 10_240) text += ` ${generator.text(50)}`;
  text = text.slice(0, 10_240);
  const t = performance.now();
  const added = await index.addDocuments({
    documents: [{ contributionId: '999999999', contributor: `0x${'f'.repeat(40)}`, text }],
  });
  const addMs = ms(t);
  const words = text.split(' ');
  const passage = words.slice(700, 740).join(' ');
  const a = performance.now();
  const result = attribute({ index, text: `Some new words first. ${passage} and then some more.` });
  const attributeMs = ms(a);
  const top = result.contributions[0];
  log(`  10 KB document attributable after ${round(addMs + attributeMs, 1)} ms`);
  return {
    documentBytes: Buffer.byteLength(text),
    documentTokens: added.tokens,
    addDocumentsMs: round(addMs),
    firstAttributeMs: round(attributeMs),
    totalMs: round(addMs + attributeMs),
    attributedToIt: top?.contributionId === '999999999',
    ppm: top?.ppm ?? 0,
  };
}

/** A full merge of the index with a few fresh segments while queries run on the event loop. */
async function measureMerge(index: AttributionIndex) {
  const generator = createTextGenerator({ seed: 31 });
  for (let s = 0; s < 3; s++) {
    await index.addDocuments({
      documents: Array.from({ length: 20 }, (_, k) => ({
        contributionId: String(800_000_000 + s * 100 + k),
        contributor: `0x${'e'.repeat(40)}`,
        text: generator.text(2_000),
      })),
    });
  }
  const probe = [1, 2, 3, 4];
  let maxGap = 0;
  let last = performance.now();
  let queries = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    count({ index, tokens: probe });
    queries++;
  }, 1);
  const t = performance.now();
  const merged = await index.merge({ full: true });
  const seconds = ms(t) / 1000;
  clearInterval(timer);
  log(
    `  full merge of ${merged.tokens} tokens in ${round(seconds, 1)} s; longest event-loop stall ${round(maxGap, 1)} ms`,
  );
  return {
    tokens: merged.tokens,
    segmentsMerged: merged.merged.length,
    seconds: round(seconds),
    tokensPerSecond: Math.round(merged.tokens / seconds),
    longestEventLoopStallMs: round(maxGap, 1),
    queriesAnsweredDuringMerge: queries,
  };
}

async function measureBaselines() {
  log(`baselines at ${baselineSize / 1e6}M tokens`);
  const corpus = generateZipfCorpus({ tokens: baselineSize, seed: 1, separators: true });
  let t = performance.now();
  buildSuffixArray({ tokens: corpus.tokens, alphabetSize: corpus.vocabulary + 1 });
  const saisSeconds = ms(t) / 1000;
  t = performance.now();
  buildSuffixArrayByComparisonSort({ tokens: corpus.tokens });
  const sortSeconds = ms(t) / 1000;
  log(`  SA-IS ${round(saisSeconds, 2)} s, comparison sort ${round(sortSeconds, 2)} s`);

  // Tracing: the index against a naive scan of the token array for each output position.
  const directory = await mkdtemp(join(tmpdir(), 'attribution-baseline-'));
  try {
    await buildInChild(baselineSize, directory);
    const index = await openIndex({ directory });
    const outputs = syntheticOutputs(index, 20);
    const { segment } = index.snapshot.segments[0]!;
    const T = segment.tokens;
    for (const o of outputs.slice(5, 10)) traceSpans({ index, tokens: o.tokens }); // warm-up
    const matchTimes: number[] = [];
    const traceTimes: number[] = [];
    const naiveTimes: number[] = [];
    for (const o of outputs.slice(0, 5)) {
      t = performance.now();
      const fast = longestMatches({ index, tokens: o.tokens }).lengths;
      matchTimes.push(ms(t));
      t = performance.now();
      traceSpans({ index, tokens: o.tokens });
      traceTimes.push(ms(t));
      t = performance.now();
      const q = toDense(segment, Uint32Array.from(o.tokens));
      const lengths: number[] = [];
      for (let i = 0; i < q.length; i++) {
        let best = 0;
        for (let p = 0; p < T.length; p++) {
          if (T[p] !== q[i]) continue;
          let k = 1;
          while (i + k < q.length && T[p + k] === q[i + k]) k++;
          if (k > best) best = k;
        }
        lengths.push(best);
      }
      naiveTimes.push(ms(t));
      if (lengths.join() !== fast.join()) throw new Error('naive and indexed longest matches differ');
    }
    await index.close();
    const matches = percentiles(matchTimes).meanMs;
    const naive = percentiles(naiveTimes).meanMs;
    log(`  longest matches of a 500-token output: index ${matches} ms, naive scan ${naive} ms`);
    return {
      tokens: baselineSize,
      suffixArray: {
        saisSeconds: round(saisSeconds),
        comparisonSortSeconds: round(sortSeconds),
        speedup: round(sortSeconds / saisSeconds, 1),
      },
      tracing: {
        outputTokens,
        longestMatchesMeanMs: matches,
        traceSpansMeanMs: percentiles(traceTimes).meanMs,
        naiveScanMeanMs: naive,
        speedup: round(naive / matches, 1),
        note: 'longest match at every position of the output: suffix-array search vs scanning the corpus (same results, checked)',
      },
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.name.endsWith('.txt')) out.push(path);
  }
  return out.sort();
}

async function measureRealCorpus() {
  const present = await stat(pythonDocs).then(
    () => true,
    () => false,
  );
  if (!present) {
    const skipped = `${pythonDocs} not found: install it with \`apt-get install -y python3.11-doc\``;
    log(`real corpus skipped: ${skipped}`);
    return { skipped };
  }
  const files = await listFiles(pythonDocs);
  const documents = await Promise.all(
    files.map(async (path, k) => ({
      contributionId: String(k + 1),
      contributor: relative(pythonDocs, path)
        .split('/')[0]!
        .replace(/\.rst\.txt$/, ''),
      text: await readFile(path, 'utf8'),
    })),
  );
  const characters = documents.reduce((sum, d) => sum + d.text.length, 0);
  log(`real corpus: ${documents.length} files, ${round(characters / 1e6, 1)}M characters; tokenizing`);
  let t = performance.now();
  const tokenized = documents.map((d) => tokenIds({ text: d.text }));
  const tokenizeSeconds = ms(t) / 1000;
  const tokens = tokenized.reduce((sum, ids) => sum + ids.length, 0);
  t = performance.now();
  buildSegment({
    documents: tokenized.map((ids, k) => ({ documentId: k, contribution: k, tokens: ids })),
    contributions: documents.map((d) => ({
      contributionId: d.contributionId,
      contributor: d.contributor,
      datanetId: null,
    })),
  });
  const buildSeconds = ms(t) / 1000;
  const directory = await mkdtemp(join(tmpdir(), 'attribution-real-'));
  try {
    const index = await openIndex({ directory, create: true });
    t = performance.now();
    const added = await index.addDocuments({ documents });
    const addSeconds = ms(t) / 1000;
    const fileBytes = (await stat(join(directory, added.segment))).size;
    const generator = createTextGenerator({ seed: 2024 });
    const outputs = makePlantedOutputs({
      documents,
      novel: (n) => generator.text(n),
      outputs: outputCount,
      seed: 12,
      passages: [1, 3],
      passageWords: [15, 60],
      novelWords: [60, 150],
    });
    for (const o of outputs.slice(0, 10)) traceSpans({ index, text: o.text });
    const traceTimes: number[] = [];
    const outputTokenCounts: number[] = [];
    // Ground truth: the document a passage was copied from, and any other holding it verbatim
    // (the Python docs repeat some passages). Edge tokens are dropped: they tokenize with context.
    const sources = outputs.map((o) => {
      const all = new Set(o.sources);
      for (const passage of o.passages) {
        const ids = Array.from(tokenIds({ text: ` ${passage}` })).slice(1, -1);
        if (ids.length < 4) continue;
        for (const hit of findOccurrences({ index, tokens: ids, limit: 1000 }).occurrences)
          all.add(hit.contributionId);
      }
      return [...all];
    });
    const scored = outputs.map((o, k) => {
      t = performance.now();
      const trace = traceSpans({ index, text: o.text });
      traceTimes.push(ms(t));
      outputTokenCounts.push(trace.tokens);
      const result = attribute({ index, text: o.text });
      return {
        sources: sources[k]!,
        weights: new Map(result.contributions.map((c) => [c.contributionId, c.ppm])),
      };
    });
    await index.close();
    const recovery = scoreRecovery(scored);
    log(`  planted recovery ${JSON.stringify(recovery)}`);
    return {
      source: `python3.11-doc: ${pythonDocs}/**/*.txt (reStructuredText sources), one contribution per file`,
      documents: documents.length,
      characters,
      tokens,
      tokenization: {
        tokenizer: tokenizerName,
        seconds: round(tokenizeSeconds),
        tokensPerSecond: Math.round(tokens / tokenizeSeconds),
        charactersPerSecond: Math.round(characters / tokenizeSeconds),
      },
      build: {
        seconds: round(buildSeconds),
        tokensPerSecond: Math.round(tokens / buildSeconds),
        note: 'segment build from token ids (vocabulary, layout, suffix array, packing)',
      },
      addDocuments: {
        seconds: round(addSeconds),
        tokensPerSecond: Math.round(tokens / addSeconds),
        note: 'tokenize (tokenizer cache warm) + build + write + fsync, one addDocuments call',
      },
      disk: { bytes: fileBytes, bytesPerToken: round(fileBytes / tokens, 3) },
      traceSpans: {
        ...percentiles(traceTimes),
        meanOutputTokens: Math.round(outputTokenCounts.reduce((a, b) => a + b, 0) / outputTokenCounts.length),
      },
      plantedRecovery: {
        ...recovery,
        note: 'outputs: 1–3 passages of 15–60 words copied from the docs between synthetic words; sources: contributions holding a passage verbatim; precision counts any contribution given weight > 0',
      },
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const started = new Date().toISOString();
const report: Record<string, unknown> = {
  benchmark: '@tributary/attribution',
  startedAt: started,
  command: `npm run bench -w @tributary/attribution -- ${process.argv.slice(2).join(' ')}`.trim(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  },
  targets: {
    buildTokensPerSecondAt100M: 2_000_000,
    peakBuildBytesPerTokenAt100M: 7,
    suffixArraySpeedAgainstNative: 0.5,
    fairness: 'see fairness[].targets',
    diskBytesPerToken2ByteAlphabet: 6,
    traceSpans500At100M: { p50Ms: 10, p99Ms: 25 },
    freshDocumentAttributableMs: 1000,
  },
};
const only = args.only ? new Set(args.only.split(',')) : null;
const runs = (part: string, skipFlag: boolean) => (only ? only.has(part) : !skipFlag);
if (runs('baselines', args['skip-baselines']!)) report.baselines = await measureBaselines();
if (runs('suffix-array', false)) {
  report.suffixArrayBuild = await measureSuffixArrayBuild({
    zipfTokens: Number(args['sa-tokens']),
    realCorpus: await linuxDocCorpus(),
    runs: Number(args['sa-runs']),
    log,
  });
}
if (runs('synthetic', false)) {
  const synthetic: unknown[] = [];
  for (const [k, size] of sizes.entries()) {
    synthetic.push(await measureSynthetic(size, { fresh: k === sizes.length - 1, merge: k === 0 }));
  }
  report.synthetic = synthetic;
}
if (runs('real', args['skip-real']!)) report.realCorpus = await measureRealCorpus();
if (runs('fairness', args['skip-fairness']!)) {
  const fairness: unknown[] = [];
  for (const corpus of [debianCopyrightCorpus, linuxDocCorpus, pythonDocCorpus]) {
    fairness.push(
      await measureFairness({
        corpus: await corpus(),
        positives: Number(args.positives),
        negatives: Number(args.negatives),
        seed: 11,
        log,
      }),
    );
  }
  report.fairness = fairness;
  // A harder variant, with no target: the novel words are the copyright corpus's own common words
  // (those at least 20 documents use), so seams and negatives are full of the licence names, URLs
  // and addresses that many documents repeat.
  report.fairnessStress = await measureFairness({
    corpus: await debianCopyrightCorpus(),
    positives: Number(args.positives),
    negatives: Number(args.negatives),
    seed: 11,
    novel: 'corpus',
    log,
  });
}
report.finishedAt = new Date().toISOString();
const json = JSON.stringify(report, null, 2);
process.stdout.write(`${json}\n`);
const results = join(here, '..', 'bench-results');
await mkdir(results, { recursive: true });
await writeFile(join(results, `bench-${started.replace(/[:.]/g, '-')}.json`), `${json}\n`);
