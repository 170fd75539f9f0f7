/**
 * Inference benchmark: prints one JSON object with the node's own overhead per call (p50/p99 and
 * per stage), calls/s of an `infini-gram` model on 200-token answers at concurrency 1 and 32, and
 * the baselines measured in the same run (`GET /health` under the same load generator; the
 * model's raw `generate()` without the node).
 *
 *   npm run -s bench -w @tributary/node             # the whole Python docs (~2.6 M tokens), ~3 min
 *   npm run -s bench -w @tributary/node -- --quick  # ~150 k tokens, short runs, ~1 min
 *   options: --tokens N (corpus size)  --calls N (in-process overhead calls)
 *            --seconds N (each 200-token load run)  --database-url postgres://… (instead of PGlite)
 *
 * Setup goes through the node's API as users would: a real Anvil with the protocol deployed, the
 * node in this process, a datanet of real English text (the reStructuredText sources of the
 * Python documentation, Debian package python3.11-doc; without it, packages/cli/demo/*.md
 * repeated with variations) contributed by five contributors and committed, an infini-gram model
 * built and registered on it, one payer funded far beyond what the run spends.
 *
 * Overhead is measured two ways. (1) In process, against the running node's context: each call
 * runs the serving path's own functions in order (authenticate, quoteCall, loadModel,
 * protocolFeeBps, reserve, the model runner, output token count, storeReceipt, traceSpans, the
 * response JSON), each stage timed; the model's generation is not overhead. (2) Over HTTP from a
 * second process (autocannon): a 1-token call's latency minus a raw 1-token generate(), and a
 * 200-token call's latency minus a raw 200-token generate().
 * Progress and the node's logs go to stderr; the JSON goes to stdout.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createRandom, generate, supportWeights, tokenize, traceSpans } from '@tributary/attribution';
import { hashReceipt, type Receipt, receiptDomain, receiptMessage, receiptTypes } from '@tributary/protocol';
import pino from 'pino';
import { type Hex, parseEther } from 'viem';
import { authenticate } from '../src/auth/apiKeys.js';
import { loadConfig } from '../src/config.js';
import type { Context } from '../src/context.js';
import { protocolFeeBps } from '../src/inference/protocolFee.js';
import { type CallRequest, quoteCall } from '../src/inference/serveCall.js';
import { loadModel, resolveModel } from '../src/models/servedModels.js';
import { type RunningNode, startNode } from '../src/node.js';
import { payerFunds } from '../src/payments/available.js';
import { reserve } from '../src/payments/reservations.js';
import { buildReceipt } from '../src/receipts/buildReceipt.js';
import { storeReceipt } from '../src/receipts/storeReceipt.js';
import { buildAndRegister, fundPayer } from '../src/testing/modelFixtures.js';
import { startTestNetwork } from '../src/testing/testNetwork.js';
import type { LoadResult, LoadSpec } from './loadChild.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tokens: { type: 'string' },
    calls: { type: 'string' },
    seconds: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const quick = args.quick!;
/** Corpus size; the full run takes every document of the Python docs (about 2.6 M tokens). */
const TARGET_TOKENS = Number(args.tokens ?? (quick ? 150_000 : Number.POSITIVE_INFINITY));
/** Without the Python docs, the demo documents are repeated up to this many tokens. */
const FALLBACK_TOKENS = Math.min(TARGET_TOKENS, quick ? 150_000 : 1_200_000);
const OVERHEAD_CALLS = Number(args.calls ?? (quick ? 150 : 1000));
const OVERHEAD_WARMUP = quick ? 30 : 100;
const AFTER_CALLS = quick ? 50 : 200;
const LOAD_SECONDS = Number(args.seconds ?? (quick ? 6 : 30));
const TINY_SECONDS = quick ? 4 : 15;
const HEALTH_SECONDS = quick ? 3 : 5;
const WARMUP_SECONDS = quick ? 1 : 3;
/** PostgreSQL instead of the embedded PGlite (a fresh database is created on that server). */
const DATABASE_URL = args['database-url'];
const OUTPUT_TOKENS = 200;
const CONTRIBUTORS = [2, 3, 4, 6, 8];
const PAYER = 7;
const MODEL = 'bench-ngram';
const TARGET_P99_MS = 20;

const here = dirname(fileURLToPath(import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

type Summary = { p50Ms: number; p99Ms: number; meanMs: number; maxMs: number; samples: number };
function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return {
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    samples: sorted.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Corpus: the reStructuredText sources of the Python documentation (Debian python3.11-doc), or
// the CLI's demo documents repeated with variations when that package is missing.

type Document = { filename: string; text: string };
type Corpus = { source: string; path: string; documents: Document[]; tokens: number; bytes: number };

const PYTHON_DOCS = [
  '/usr/share/doc/python3.11-doc/html/_sources',
  '/usr/share/doc/python3.11/html/_sources',
];

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

function loadCorpus(targetTokens: number): Corpus {
  const root = PYTHON_DOCS.find((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
  const documents: Document[] = [];
  let tokens = 0;
  let bytes = 0;
  const add = (filename: string, text: string) => {
    documents.push({ filename, text });
    tokens += tokenize({ text }).ids.length;
    bytes += Buffer.byteLength(text);
  };
  if (root) {
    // Every other file first, then the rest, so a partial corpus spans every part of the docs.
    const files = walk(root).filter((f) => f.endsWith('.txt'));
    const ordered = [...files.filter((_, i) => i % 2 === 0), ...files.filter((_, i) => i % 2 === 1)];
    for (const file of ordered) {
      if (tokens >= targetTokens) break;
      add(relative(root, file).replaceAll('/', '-'), readFileSync(file, 'utf8'));
    }
    return {
      source: 'Debian package python3.11-doc (reStructuredText sources, .rst.txt)',
      path: root,
      documents,
      tokens,
      bytes,
    };
  }
  const demo = join(here, '..', '..', 'cli', 'demo');
  const originals = readdirSync(demo)
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(join(demo, f), 'utf8'));
  const random = createRandom({ seed: 1 });
  for (let copy = 0; tokens < FALLBACK_TOKENS; copy++) {
    for (const [i, text] of originals.entries()) {
      // A variation: the paragraphs in a seeded order, under a numbered title.
      const paragraphs = text.split(/\n\s*\n/);
      for (let j = paragraphs.length - 1; j > 0; j--) {
        const k = random.nextInt(j + 1);
        [paragraphs[j], paragraphs[k]] = [paragraphs[k]!, paragraphs[j]!];
      }
      add(`demo-${copy}-${i}.md`, `# Variation ${copy}\n\n${paragraphs.join('\n\n')}`);
    }
  }
  return {
    source: 'packages/cli/demo/*.md repeated with variations (python3.11-doc not installed)',
    path: demo,
    documents,
    tokens,
    bytes,
  };
}

/** Prompts: the first words of prose lines of the corpus (seeded choice). */
function promptsFrom(corpus: Corpus, count: number, seed: number): string[] {
  const random = createRandom({ seed });
  const lines = corpus.documents.flatMap((d) =>
    d.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[A-Z][a-z]+ [a-z]+ [a-z]+ [a-z]+/.test(l) && l.split(' ').length >= 10),
  );
  const prompts: string[] = [];
  for (let i = 0; i < count; i++) {
    const line = lines[random.nextInt(lines.length)]!;
    const words = line.split(' ');
    prompts.push(words.slice(0, 4 + random.nextInt(6)).join(' '));
  }
  return prompts;
}

// ---------------------------------------------------------------------------------------------
// Load generator: a second process (bench/loadChild.ts) running autocannon. Around each run the
// node's process is observed: event-loop utilization and CPU time per call.

type Observed = LoadResult & {
  node: { eventLoopUtilization: number; cpuMsPerCall: number | null; cpuCoresBusy: number };
};

async function load(ctx: Context, spec: LoadSpec): Promise<Observed> {
  const served = async () =>
    (await ctx.metrics.httpRequests.get()).values.reduce((sum, v) => sum + v.value, 0);
  const servedBefore = await served();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(here, 'loadChild.ts'), JSON.stringify(spec)],
    { maxBuffer: 1 << 24, cwd: join(here, '..') },
  );
  await drain(ctx);
  // Over the child's whole life (start-up, warm-up, run) and the drain of calls still queued.
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - wall) / 1000;
  const utilization = performance.eventLoopUtilization(elu).utilization;
  const calls = (await served()) - servedBefore;
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  const cpuMs = (used.user + used.system) / 1000;
  return {
    ...result,
    node: {
      eventLoopUtilization: round(utilization),
      cpuMsPerCall: calls > 0 ? round(cpuMs / calls) : null,
      cpuCoresBusy: round(cpuMs / 1000 / seconds),
    },
  };
}

/** Waits until no call is in flight (the load generator stops with requests still queued). */
async function drain(ctx: Context): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [row] = await ctx.db.query<{ n: bigint }>('select count(*) as n from reservations');
    if ((row?.n ?? 0n) === 0n) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// The node's overhead per call, stage by stage, in process against the running node's context.

const STAGES = [
  'authenticate',
  'quote',
  'loadModel',
  'protocolFee',
  'reserve',
  'supportWeights',
  'outputTokenCount',
  'storeReceipt',
  'traceSpans',
  'responseJson',
] as const;
type Stage = (typeof STAGES)[number];
const PARTS = ['resolveModel', 'payerFundsQuery', 'buildReceipt', 'hashReceipt', 'signReceipt'] as const;
type Part = (typeof PARTS)[number];

type OverheadSamples = {
  overhead: number[];
  stage: Record<Stage, number[]>;
  part: Record<Part, number[]>;
  modelRun: number[];
  rawGenerate: number[];
  /** Each call's overhead window(s) on the performance timeline, to match GC pauses against. */
  windows: [number, number][][];
  gc: { start: number; duration: number }[];
  outputTokens: number;
  contributions: number;
  spans: number;
};

async function measureOverhead(
  ctx: Context,
  {
    apiKey,
    prompts,
    calls,
    seedBase,
  }: { apiKey: string; prompts: string[]; calls: number; seedBase: number },
): Promise<OverheadSamples> {
  const samples: OverheadSamples = {
    overhead: [],
    stage: Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as Record<Stage, number[]>,
    part: Object.fromEntries(PARTS.map((s) => [s, []])) as unknown as Record<Part, number[]>,
    modelRun: [],
    rawGenerate: [],
    windows: [],
    gc: [],
    outputTokens: 0,
    contributions: 0,
    spans: 0,
  };
  const signal = new AbortController().signal;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) samples.gc.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < calls; i++) {
    const seed = seedBase + i;
    const request: CallRequest = {
      model: MODEL,
      prompt: prompts[i % prompts.length],
      maxTokens: OUTPUT_TOKENS,
      temperature: 1,
      seed,
    };
    const took: Partial<Record<Stage, number>> = {};
    const callStart = performance.now();
    let last = callStart;
    const lap = (name: Stage) => {
      const now = performance.now();
      took[name] = now - last;
      last = now;
    };
    // The serving path (routes/openai.ts → serveCall.ts), in its order.
    const payer = await authenticate(ctx, `Bearer ${apiKey}`);
    lap('authenticate');
    const quote = await quoteCall(ctx, request);
    lap('quote');
    const loaded = await loadModel(ctx, quote.model);
    lap('loadModel');
    const bps = await protocolFeeBps(ctx);
    lap('protocolFee');
    const reservation = await reserve(ctx, payer, quote.maxCost);
    lap('reserve');
    const generation = { maxTokens: quote.maxTokens, temperature: 1, topK: null, seed, stop: [] };
    const pieces = loaded.runner.run(
      { prompt: quote.prompt, maxTokens: quote.maxTokens, temperature: 1, seed, stop: [] },
      signal,
    );
    let output = '';
    let step = await pieces.next();
    while (!step.done) {
      output += step.value;
      step = await pieces.next();
    }
    const result = step.value;
    const runEnd = performance.now();
    const beforeRun: [number, number] = [callStart, last];
    const modelRun = runEnd - last;
    last = runEnd;
    const outputTokens = Math.min(tokenize({ text: output }).ids.length, quote.maxTokens);
    lap('outputTokenCount');
    const receiptInput = {
      requestId: `0x${randomBytes(32).toString('hex')}` as Hex,
      payer,
      model: { ...quote.model, indexRoot: loaded.indexRoot },
      pricing: quote.model.pricing,
      split: quote.model.split,
      protocolFeeBps: bps,
      input: { text: quote.inputText, tokens: quote.inputTokens },
      output: { text: output, tokens: outputTokens },
      generation,
      attribution: result.attribution,
      time: Math.floor(Date.now() / 1000),
    };
    const stored = await storeReceipt(ctx, receiptInput, reservation);
    lap('storeReceipt');
    const spans = output.trim() ? traceSpans({ index: loaded.runner.index, text: output }).spans : [];
    lap('traceSpans');
    JSON.stringify({
      id: `cmpl-${stored.id.slice(2, 26)}`,
      object: 'text_completion',
      choices: [{ index: 0, text: output, finish_reason: result.finishReason, logprobs: null }],
      usage: { prompt_tokens: quote.inputTokens, completion_tokens: outputTokens },
      attribution: {
        receipt_id: stored.id,
        receipt_hash: stored.receiptHash,
        fee: stored.receipt.fee,
        spans: spans.map((s) => ({
          charStart: s.charStart,
          charEnd: s.charEnd,
          text: s.text,
          count: s.count,
          contributions: s.contributions,
        })),
        contributions: stored.receipt.attribution.contributions,
        training_pool: stored.receipt.attribution.pool,
      },
    });
    lap('responseJson');
    samples.windows.push([beforeRun, [runEnd, last]]);

    // Apart from the call: the model alone (raw generate() with the same prompt and seed) and
    // the support weights the runner computes from its steps; then the parts of some stages.
    const time = async (fn: () => unknown): Promise<number> => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const raw = generate({
      index: loaded.runner.index,
      prompt: quote.prompt,
      maxTokens: quote.maxTokens,
      temperature: 1,
      seed,
    });
    samples.rawGenerate.push(
      await time(() => {
        for (const _ of raw);
      }),
    );
    took.supportWeights = await time(() => supportWeights({ steps: raw.steps, per: 'tokens' }));
    samples.part.resolveModel.push(await time(() => resolveModel(ctx, MODEL)));
    samples.part.payerFundsQuery.push(await time(() => payerFunds(ctx, payer)));
    let receipt: Receipt | undefined;
    samples.part.buildReceipt.push(
      await time(() => {
        receipt = buildReceipt({
          ...receiptInput,
          epoch: BigInt(stored.receipt.epoch),
          feeBefore: BigInt(stored.receipt.split.feeBefore),
          chainId: ctx.chain.chainId,
          node: ctx.chain.operator.address,
          signer: ctx.chain.signer.address,
          salt: stored.salt,
        });
      }),
    );
    let receiptHash: Hex | undefined;
    samples.part.hashReceipt.push(await time(() => (receiptHash = hashReceipt(receipt!))));
    samples.part.signReceipt.push(
      await time(() =>
        ctx.chain.signer.signTypedData({
          domain: receiptDomain({
            chainId: ctx.chain.chainId,
            rewardDistributor: ctx.chain.addresses.rewardDistributor,
          }),
          types: receiptTypes,
          primaryType: 'Receipt',
          message: receiptMessage(receipt!, receiptHash),
        }),
      ),
    );

    // The call's overhead: every stage but the model's generation (support weights count).
    for (const name of STAGES) samples.stage[name].push(took[name]!);
    samples.overhead.push(STAGES.reduce((sum, name) => sum + took[name]!, 0));
    samples.modelRun.push(modelRun);
    samples.outputTokens += outputTokens;
    samples.contributions += stored.receipt.attribution.contributions.length;
    samples.spans += spans.length;
    if ((i + 1) % 100 === 0) log(`  ${i + 1} calls`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  return samples;
}

function overheadReport(samples: OverheadSamples) {
  const calls = samples.overhead.length;
  const perCall = summarize(samples.overhead);
  const stages = Object.fromEntries(STAGES.map((name) => [name, summarize(samples.stage[name])])) as Record<
    Stage,
    Summary
  >;
  const parts = Object.fromEntries(PARTS.map((name) => [name, summarize(samples.part[name])])) as Record<
    Part,
    Summary
  >;
  const mean = (name: Stage) => stages[name].meanMs;
  const storeDatabase =
    mean('storeReceipt') - parts.buildReceipt.meanMs - parts.hashReceipt.meanMs - parts.signReceipt.meanMs;
  // Means grouped by what does the work (stage means add up to the mean overhead).
  const byKind = {
    database: {
      meanMs: round(mean('authenticate') + mean('quote') + mean('reserve') + storeDatabase),
      what: "database queries and transactions: API key look-up (cached), the model look-up in quote (cached until the indexer commits), reserve's locked transaction with the payer-funds query, storeReceipt's transaction",
    },
    receiptCrypto: {
      meanMs: round(parts.buildReceipt.meanMs + parts.hashReceipt.meanMs + parts.signReceipt.meanMs),
      what: 'buildReceipt (fee split, sha256 of input and output), keccak of the canonical receipt, EIP-712 signature (inside the storeReceipt transaction)',
    },
    attribution: {
      meanMs: round(mean('supportWeights') + mean('traceSpans') + mean('outputTokenCount')),
      what: 'support weights for the receipt, span tracing for the response, counting output tokens',
    },
    other: {
      meanMs: round(mean('loadModel') + mean('protocolFee') + mean('responseJson')),
      what: 'cached model and protocol fee look-ups, response JSON',
    },
  };
  const ranked = Object.entries(byKind).sort((a, b) => b[1].meanMs - a[1].meanMs);
  const gcDuring = (i: number) =>
    samples.gc.reduce(
      (sum, g) =>
        sum +
        samples.windows[i]!.reduce(
          (inside, [from, to]) =>
            inside + Math.max(0, Math.min(to, g.start + g.duration) - Math.max(from, g.start)),
          0,
        ),
      0,
    );
  const gcInCalls = samples.overhead.map((_, i) => gcDuring(i));
  const slowest = samples.overhead
    .map((ms, i) => ({ ms, i }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, Math.max(1, Math.ceil(calls / 100)))
    .map(({ ms, i }) => {
      const [name, value] = STAGES.map((n) => [n, samples.stage[n][i]!] as const).sort(
        (a, b) => b[1] - a[1],
      )[0]!;
      return {
        call: i,
        overheadMs: round(ms),
        slowestStage: name,
        stageMs: round(value),
        gcPauseMs: round(gcInCalls[i]!),
      };
    });
  const tenth = Math.max(1, Math.floor(calls / 10));
  return {
    calls,
    perCall,
    target: {
      p99Ms: TARGET_P99_MS,
      met: perCall.p99Ms <= TARGET_P99_MS,
      marginMs: round(TARGET_P99_MS - perCall.p99Ms),
    },
    stages,
    shareOfMeanOverhead: Object.fromEntries(STAGES.map((name) => [name, round(mean(name) / perCall.meanMs)])),
    byKind,
    dominatedBy: ranked.map(
      ([kind, v]) =>
        `${kind}: ${v.meanMs} ms of ${perCall.meanMs} ms mean (${Math.round((100 * v.meanMs) / perCall.meanMs)}%)`,
    ),
    parts: {
      method:
        'timed separately in the same loop on the same inputs (not added to the call): quote → resolveModel; reserve → payerFunds query; storeReceipt → buildReceipt, hashReceipt, EIP-712 signTypedData; storeReceipt minus these ≈ its database transaction',
      ...parts,
      storeReceiptDatabaseMeanMs: round(storeDatabase),
    },
    slowestCalls: slowest,
    garbageCollection: {
      note: "V8 GC pauses of this process (node and benchmark share it) during the loop, and the part of them inside the calls' overhead stages",
      pauses: samples.gc.length,
      totalMs: round(samples.gc.reduce((sum, g) => sum + g.duration, 0)),
      longestMs: round(Math.max(0, ...samples.gc.map((g) => g.duration))),
      insideOverheadMeanMs: round(gcInCalls.reduce((a, b) => a + b, 0) / calls),
      overheadWithoutGcPauses: summarize(samples.overhead.map((ms, i) => ms - gcInCalls[i]!)),
    },
    drift: {
      note: 'overhead of the first and the last tenth of the calls',
      first: summarize(samples.overhead.slice(0, tenth)),
      last: summarize(samples.overhead.slice(-tenth)),
    },
    answers: {
      meanOutputTokens: round(samples.outputTokens / calls),
      meanContributionsPerReceipt: round(samples.contributions / calls),
      meanSpansPerAnswer: round(samples.spans / calls),
    },
    modelRunInNode: {
      note: "not overhead: the runner's whole run (generation, its event-loop yields every 32 tokens, support weights) beside raw generate() with the same prompt and seed",
      runner: summarize(samples.modelRun),
      rawGenerate: summarize(samples.rawGenerate),
    },
  };
}

// ---------------------------------------------------------------------------------------------

const started = new Date().toISOString();
const corpus = loadCorpus(TARGET_TOKENS);
log(`corpus: ${corpus.documents.length} documents, ${corpus.tokens} tokens (${corpus.source})`);

const net = await startTestNetwork({ databaseUrl: DATABASE_URL });
let node: RunningNode | undefined;
try {
  // The node, in this process, with its logs on stderr (stdout carries the JSON).
  // The indexer polls at the node's default interval (the test harness polls every 100 ms).
  const config = loadConfig({
    env: {},
    overrides: { ...net.nodeConfig, indexer: { ...net.nodeConfig.indexer, pollIntervalMs: 500 } },
  });
  node = await startNode(config, pino({ level: 'warn' }, pino.destination(2)));
  const ctx = node.ctx;

  // The datanet, contributed through the API by five contributors, committed as version 1.
  let t = performance.now();
  const owner = net.client(1);
  await owner.login();
  const datanet = await owner.createDatanet({
    metadata: { name: 'Python documentation' },
    policy: { contributionMode: 'open', licence: 'open', minDataBps: 2000 },
  });
  await Promise.all(
    CONTRIBUTORS.map(async (who, c) => {
      const client = net.client(who);
      for (let i = c; i < corpus.documents.length; i += CONTRIBUTORS.length) {
        const doc = corpus.documents[i]!;
        await client.contribute({ datanetId: datanet.id, filename: doc.filename, content: doc.text });
      }
    }),
  );
  const contributeSeconds = (performance.now() - t) / 1000;
  log(`contributed in ${contributeSeconds.toFixed(1)} s`);
  t = performance.now();
  await owner.commitVersion(datanet.id);
  const { build, model } = await buildAndRegister(net, datanet.id, 'infini-gram', MODEL, {
    contextTokens: 512,
    maxOutputTokens: 256,
  });
  const buildSeconds = (performance.now() - t) / 1000;
  log(`committed, built and registered model ${model.id} in ${buildSeconds.toFixed(1)} s`);
  const apiKey = await fundPayer(net, PAYER, parseEther('100000'), parseEther('100000'));
  const prompts = promptsFrom(corpus, 512, 7);

  // Load the model and warm the HTTP path once.
  const warm = await fetch(`${net.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model: MODEL, prompt: prompts[0], max_tokens: OUTPUT_TOKENS, temperature: 1 }),
  });
  if (warm.status !== 200) throw new Error(`warm-up call failed: ${warm.status} ${await warm.text()}`);

  // ---- (1) In-process overhead, after unmeasured warm-up calls (JIT, caches) ----------------------
  log(`overhead: ${OVERHEAD_WARMUP} warm-up + ${OVERHEAD_CALLS} calls in process`);
  await measureOverhead(ctx, { apiKey, prompts, calls: OVERHEAD_WARMUP, seedBase: 9_000_000 });
  const samples = await measureOverhead(ctx, {
    apiKey,
    prompts,
    calls: OVERHEAD_CALLS,
    seedBase: 10_000_000,
  });
  const overhead = overheadReport(samples);
  const raw200 = summarize(samples.rawGenerate);

  // Raw 1-token generation, for the HTTP comparison.
  const loaded = await loadModel(ctx, await resolveModel(ctx, MODEL));
  const raw1: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    for (const _ of generate({
      index: loaded.runner.index,
      prompt: prompts[i % prompts.length],
      maxTokens: 1,
      temperature: 1,
      seed: i,
    }));
    raw1.push(performance.now() - t0);
  }
  const raw1Summary = summarize(raw1);

  // ---- (2) and (3) Over HTTP, from a second process -------------------------------------------
  const base = { url: net.url, warmupSeconds: WARMUP_SECONDS };
  const health = (connections: number) =>
    load(ctx, { ...base, target: { kind: 'health' }, connections, durationSeconds: HEALTH_SECONDS });
  const completions = (maxTokens: number, connections: number, durationSeconds: number, seedBase: number) =>
    load(ctx, {
      ...base,
      target: { kind: 'completion', model: MODEL, apiKey, maxTokens },
      prompts,
      seedBase,
      connections,
      durationSeconds,
    });
  log('baseline: GET /health at concurrency 1 and 32');
  const health1 = await health(1);
  const health32 = await health(32);
  log('1-token calls at concurrency 1');
  const tiny1 = await completions(1, 1, TINY_SECONDS, 1);
  log(`${OUTPUT_TOKENS}-token calls at concurrency 1`);
  const full1 = await completions(OUTPUT_TOKENS, 1, LOAD_SECONDS, 2_000_000);
  log(`${OUTPUT_TOKENS}-token calls at concurrency 32`);
  const full32 = await completions(OUTPUT_TOKENS, 32, LOAD_SECONDS, 4_000_000);

  // ---- The overhead again, now that the payer has thousands of receipts ----------------------------
  const receiptCount = async () => {
    const [row] = await ctx.db.query<{ n: bigint }>('select count(*) as n from receipts');
    return Number(row?.n ?? 0n);
  };
  const receiptsBefore = await receiptCount();
  log(`overhead again after the loads (${receiptsBefore} receipts)`);
  const after = await measureOverhead(ctx, { apiKey, prompts, calls: AFTER_CALLS, seedBase: 20_000_000 });
  const afterSummary = summarize(after.overhead);
  const afterPayerFunds = summarize(after.part.payerFundsQuery);

  const output = {
    benchmark: '@tributary/node inference',
    startedAt: started,
    command: `npm run -s bench -w @tributary/node${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryBytes: totalmem(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      database:
        ctx.db.kind === 'pglite'
          ? "PGlite, embedded, on disk (the node's default)"
          : 'PostgreSQL (--database-url)',
      chain: 'Anvil (local), protocol contracts deployed; the node indexes it every 500 ms (its default)',
      processes:
        'the node runs in the benchmark process (which only waits while loads run); the load generator is a second Node process (autocannon); Anvil a third; all on this machine',
    },
    corpus: {
      source: corpus.source,
      path: corpus.path,
      documents: corpus.documents.length,
      tokens: corpus.tokens,
      bytes: corpus.bytes,
      tokenizer: "o200k_base (the node's)",
      contributors: CONTRIBUTORS.length,
      contributedVia: 'POST /v1/datanets/:id/contributions (SDK, EIP-712 signed); committed as version 1',
      contributeSeconds: round(contributeSeconds, 1),
      commitBuildRegisterSeconds: round(buildSeconds, 1),
      model: {
        id: model.id,
        kind: 'infini-gram',
        artifactHash: build.artifactHash,
        contextTokens: 512,
        maxOutputTokens: 256,
      },
      prompts: 'the first 4–9 words of prose lines of the corpus (512, seeded)',
    },
    overhead: {
      method: `in process, against the running node's context (node.ctx), after ${OVERHEAD_WARMUP} unmeasured calls: ${OVERHEAD_CALLS} sequential calls through the serving path's own functions in its order (authenticate → quoteCall → loadModel → protocolFeeBps → reserve → model runner → output token count → storeReceipt (build, hash, EIP-712 sign, DB transaction) → traceSpans → response JSON), ${OUTPUT_TOKENS}-token answers at temperature 1 with distinct seeds; overhead = every stage but the model runner, plus supportWeights (the runner's attribution aggregation, timed on a raw generate() of the same prompt and seed). HTTP parsing and validation are not in it: see endToEnd.`,
      ...overhead,
      afterLoad: {
        note: `${AFTER_CALLS} more calls the same way after the HTTP runs, with ${receiptsBefore} receipts of this payer in the database (the payer-funds query reads a running unsettled total, so it should not grow with them)`,
        receiptsInDatabase: receiptsBefore,
        perCall: afterSummary,
        payerFundsQuery: afterPayerFunds,
        reserve: summarize(after.stage.reserve),
        storeReceipt: summarize(after.stage.storeReceipt),
      },
    },
    endToEnd: {
      method:
        'HTTP from a second process (autocannon), POST /v1/completions with Authorization: Bearer, concurrency 1; latency of 2xx responses; overhead estimate = latency minus the raw generate() p50 for the same answer length (in process, no node)',
      tinyGeneration: {
        maxTokens: 1,
        ...tiny1,
        rawGenerate1Token: raw1Summary,
        overheadEstimateP50Ms: round(tiny1.latencyMs.p50 - raw1Summary.p50Ms),
        overheadEstimateP99Ms: round(tiny1.latencyMs.p99 - raw1Summary.p50Ms),
      },
      fullGeneration: {
        maxTokens: OUTPUT_TOKENS,
        latencyMs: full1.latencyMs,
        rawGenerate: raw200,
        overheadEstimateP50Ms: round(full1.latencyMs.p50 - raw200.p50Ms),
        overheadEstimateP99Ms: round(full1.latencyMs.p99 - raw200.p50Ms),
      },
    },
    throughput: {
      method: `autocannon in a second process, ${LOAD_SECONDS} s each after ${WARMUP_SECONDS} s unmeasured, POST /v1/completions, max_tokens ${OUTPUT_TOKENS}, temperature 1, a distinct seed per call, prompts from the corpus, one payer (one API key); calls/s counts 2xx only; latency from each response's own timing; node = the node process's event-loop utilization and CPU time per call over the run`,
      concurrency1: full1,
      concurrency32: full32,
    },
    baselines: {
      health: {
        method: 'GET /health under the same load generator (HTTP, routing and middleware only)',
        concurrency1: health1,
        concurrency32: health32,
      },
      rawGeneration: {
        method: `generate() from @tributary/attribution on the model's own index, in process, no node: ${OVERHEAD_CALLS} calls of ${OUTPUT_TOKENS} tokens (the overhead loop's prompts and seeds) and 300 of 1 token`,
        tokens200: raw200,
        tokens1: raw1Summary,
        callsPerSecondOneCore: round(1000 / raw200.meanMs, 1),
      },
    },
    summary: {
      overheadP50Ms: overhead.perCall.p50Ms,
      overheadP99Ms: overhead.perCall.p99Ms,
      targetP99Ms: TARGET_P99_MS,
      targetMet: overhead.target.met,
      dominatedBy: overhead.dominatedBy[0],
      overheadAfterLoad: {
        receiptsInDatabase: receiptsBefore,
        p50Ms: afterSummary.p50Ms,
        p99Ms: afterSummary.p99Ms,
        payerFundsQueryMeanMs: afterPayerFunds.meanMs,
      },
      rawGenerate200TokensP50Ms: raw200.p50Ms,
      callsPerSecondAt1: full1.callsPerSecond,
      callsPerSecondAt32: full32.callsPerSecond,
      healthCallsPerSecondAt32: health32.callsPerSecond,
      non2xx: health1.non2xx + health32.non2xx + tiny1.non2xx + full1.non2xx + full32.non2xx,
      errors: health1.errors + health32.errors + tiny1.errors + full1.errors + full32.errors,
      benchSeconds: round((Date.now() - Date.parse(started)) / 1000, 1),
    },
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
} finally {
  await node?.stop();
  await net.stop();
}
process.exit(0);
