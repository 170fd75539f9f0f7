/**
 * Inference benchmark: prints one JSON object comparing, in the same run on the same data, three
 * ways the node serves calls:
 *   - "inline": `serving.workers = 0` and `databaseThread = "request"` — generation, attribution,
 *     receipt signatures and the embedded database all on the request thread (how the node served
 *     before the runner pool);
 *   - "poolWorkersOnly": one runner worker per core, the database on its own thread, and every run
 *     on a worker (`serving.idleRunsInline = false`: the default before idle runs stayed inline);
 *   - "pool": the same, but a call that finds no run in flight runs on the request thread (the
 *     default).
 * Both write reservations and receipts by group commit. For each, after unmeasured calls that let
 * the JIT compile the node's code (reported as `warmUp`): 200-token answers at concurrency 1 and 32
 * (calls/s, latency, the node's overhead per call from each answer's `x-tributary-overhead-ms`
 * header and `server-timing` stages), and what other users see under 16-way chat load (`GET /health`
 * latency, contribution upload latency). Baselines in the same run: `GET /health` and uploads on
 * an idle node, and the model's raw `generate()` without a node.
 * It also records what bounds the figures: CPU per call of the node (all its threads) and of the
 * load generator, and how busy the machine's other processes kept its cores.
 *
 *   npm run -s bench -w @tributary/node             # the whole corpus (~2.6 M tokens of Python docs)
 *   npm run -s bench -w @tributary/node -- --quick  # ~150 k tokens, short runs
 *   options: --tokens N (corpus size)  --seconds N (each load run)  --database-url postgres://…
 *
 * Setup goes through the node's API as users would: a real Anvil with the protocol deployed, the
 * node in this process, a datanet contributed by five contributors and committed, an infini-gram
 * model built and registered on it, one payer funded far beyond what the run spends. The load
 * generator (autocannon) and the probe (health + uploads) are separate processes.
 * Progress and the node's logs go to stderr; the JSON goes to stdout.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { generate, openIndex } from '@tributary/attribution';
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import pino from 'pino';
import { type Hex, parseEther } from 'viem';
import { loadConfig } from '../src/config.js';
import type { Context } from '../src/context.js';
import { artifactDir } from '../src/models/servedModels.js';
import { type RunningNode, startNode } from '../src/node.js';
import { buildAndRegister, fundPayer } from '../src/testing/modelFixtures.js';
import { startTestNetwork } from '../src/testing/testNetwork.js';
import { loadCorpus, promptsFrom, uploadDocuments } from './corpus.js';
import type { LoadResult, LoadSpec } from './loadChild.js';
import type { ProbeResult, ProbeSpec } from './probeChild.js';
import { round, summary } from './stats.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    tokens: { type: 'string' },
    seconds: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const quick = args.quick!;
const TARGET_TOKENS = Number(args.tokens ?? (quick ? 150_000 : Number.POSITIVE_INFINITY));
const FALLBACK_TOKENS = Math.min(TARGET_TOKENS, quick ? 150_000 : 1_200_000);
const LOAD_SECONDS = Number(args.seconds ?? (quick ? 8 : 20));
const WARMUP_SECONDS = quick ? 2 : 3;
/**
 * Unmeasured calls at concurrency 32 before each mode's measured runs: the JIT compiles a fresh
 * thread's code over its first seconds of load (compilations per 5 s fell from ~500 to under 100
 * only after ~30 s at concurrency 32), and with idle runs inline the workers see no call during
 * the concurrency-1 run. Measured runs are the node's steady state; this run's rate is reported.
 */
const STEADY_STATE_WARMUP_SECONDS = quick ? 5 : 20;
const DATABASE_URL = args['database-url'];
const OUTPUT_TOKENS = 200;
const CHAT_LOAD_CONNECTIONS = 16;
const CONTRIBUTORS = [2, 3, 4, 6, 8];
const PAYER = 7;
const MODEL = 'bench-ngram';
const TARGETS = { uploadP99Ms: 200, healthP99Ms: 50, callsPerSecondAt32: 150, overheadP99Ms: 10 };

const here = dirname(fileURLToPath(import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Busy and total CPU time of the whole machine (all processes), from /proc/stat. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = fields[3]! + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Runs a bench child process with `spec` (in a file: it can be larger than a command line). */
const runChild = async <T>(file: string, spec: unknown): Promise<T> => {
  const specFile = join(tmpdir(), `tributary-bench-${process.pid}-${randomUUID()}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(here, file), specFile],
      { maxBuffer: 1 << 24, cwd: join(here, '..') },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
  } finally {
    rmSync(specFile, { force: true });
  }
};

type Observed = LoadResult & {
  node: {
    /** The request thread's event-loop utilization. */
    eventLoopUtilization: number;
    /** CPU of the node's process (request thread and workers) per 2xx call, ms. */
    cpuMsPerCall: number | null;
    cpuCoresBusy: number;
  };
  loadGeneratorCpuMsPerCall: number | null;
  /** Cores kept busy by every other process on the machine meanwhile (other work, Anvil, the OS). */
  otherProcessesCoresBusy: number | null;
};

/** Runs `work` (child processes driving the node) and observes the node's process around it. */
async function observe<T>(
  ctx: Context,
  work: () => Promise<T>,
): Promise<{
  result: T;
  node: Observed['node'] & { calls: number; seconds: number; cpuMs: number };
  otherCores: number | null;
}> {
  const served = async () =>
    (await ctx.metrics.httpRequests.get()).values.reduce((sum, v) => sum + v.value, 0);
  const servedBefore = await served();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const machine = machineCpu();
  const wall = performance.now();
  const result = await work();
  await drain(ctx);
  const used = process.cpuUsage(cpu);
  const machineAfter = machineCpu();
  const seconds = (performance.now() - wall) / 1000;
  const calls = (await served()) - servedBefore;
  const cpuMs = (used.user + used.system) / 1000;
  let otherCores: number | null = null;
  if (machine && machineAfter) {
    const ticks = machineAfter.total - machine.total;
    const busyCores = ((machineAfter.busy - machine.busy) / Math.max(1, ticks)) * cpus().length;
    otherCores = round(busyCores - cpuMs / 1000 / seconds, 2);
  }
  return {
    result,
    otherCores,
    node: {
      eventLoopUtilization: round(performance.eventLoopUtilization(elu).utilization),
      cpuMsPerCall: calls > 0 ? round(cpuMs / calls) : null,
      cpuCoresBusy: round(cpuMs / 1000 / seconds),
      calls,
      seconds,
      cpuMs,
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

const started = new Date().toISOString();
const loadAtStart = loadavg();
const corpus = loadCorpus(TARGET_TOKENS, FALLBACK_TOKENS);
log(`corpus: ${corpus.documents.length} documents, ${corpus.tokens} tokens (${corpus.source})`);

const net = await startTestNetwork({ databaseUrl: DATABASE_URL });
const modes = [
  { name: 'inline', workers: 0, databaseThread: 'request', idleRunsInline: false },
  { name: 'poolWorkersOnly', workers: cpus().length, databaseThread: 'worker', idleRunsInline: false },
  { name: 'pool', workers: cpus().length, databaseThread: 'worker', idleRunsInline: true },
] as const;
type Mode = (typeof modes)[number];
let node: RunningNode | undefined;
const startMode = async ({ workers, databaseThread, idleRunsInline }: Mode) => {
  await node?.stop();
  const config = loadConfig({
    env: {},
    overrides: {
      ...net.nodeConfig,
      // The node's defaults, but for the upload limits (the probe uploads more than a day's worth).
      indexer: { ...net.nodeConfig.indexer, pollIntervalMs: 500 },
      limits: { maxContributionsPerDay: 1_000_000, maxBytesPerDay: 1_000_000_000 },
      serving: { workers, idleRunsInline },
      ...(DATABASE_URL ? {} : { databaseThread }),
    },
  });
  node = await startNode(config, pino({ level: 'warn' }, pino.destination(2)));
  return node;
};

try {
  let ctx = (await startMode(modes[0])).ctx;

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
  const apiKey = await fundPayer(net, PAYER, parseEther('1000000'), parseEther('1000000'));
  const prompts = promptsFrom(corpus, 512, 7);

  const completions = (connections: number, durationSeconds: number, seedBase: number): LoadSpec => ({
    url: net.url,
    warmupSeconds: WARMUP_SECONDS,
    target: { kind: 'completion', model: MODEL, apiKey, maxTokens: OUTPUT_TOKENS },
    prompts,
    seedBase,
    connections,
    durationSeconds,
  });
  let uploadSeed = 0;
  const probe = (durationSeconds: number): ProbeSpec => ({
    url: net.url,
    chainId: net.chain.chainId,
    datanetRegistry: net.chain.addresses.datanetRegistry,
    datanetId: datanet.id,
    keys: CONTRIBUTORS.map((i) => ANVIL_PRIVATE_KEYS[i] as Hex),
    documents: uploadDocuments(corpus, Math.ceil(durationSeconds * 20), ++uploadSeed),
    durationSeconds,
    healthEveryMs: 20,
    uploadEveryMs: 100,
  });
  const loadRun = async (spec: LoadSpec): Promise<Observed> => {
    const {
      result,
      node: n,
      otherCores,
    } = await observe(ctx, () => runChild<LoadResult>('loadChild.ts', spec));
    return {
      ...result,
      node: {
        eventLoopUtilization: n.eventLoopUtilization,
        cpuMsPerCall: n.cpuMsPerCall,
        cpuCoresBusy: n.cpuCoresBusy,
      },
      loadGeneratorCpuMsPerCall:
        result.requests > 0 ? round(result.loadGeneratorCpuMs / result.requests) : null,
      otherProcessesCoresBusy: otherCores,
    };
  };

  const perMode: Record<string, unknown> = {};
  let idle: { health: Observed; probe: ProbeResult } | null = null;
  for (const mode of modes) {
    if (mode !== modes[0]) ctx = (await startMode(mode)).ctx;
    log(`mode ${mode.name} (${mode.workers} workers, database on the ${mode.databaseThread} thread)`);
    // Load the model and warm the HTTP path.
    const warm = await fetch(`${net.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model: MODEL, prompt: prompts[0], max_tokens: OUTPUT_TOKENS }),
    });
    if (warm.status !== 200) throw new Error(`warm-up call failed: ${warm.status} ${await warm.text()}`);

    if (mode.name === 'pool') {
      log('baselines on the idle node: GET /health at concurrency 32, uploads alone');
      const health = await loadRun({
        url: net.url,
        warmupSeconds: 1,
        target: { kind: 'health' },
        connections: 32,
        durationSeconds: Math.min(5, LOAD_SECONDS),
      });
      const alone = await observe(ctx, () => runChild<ProbeResult>('probeChild.ts', probe(LOAD_SECONDS)));
      idle = { health, probe: alone.result };
    }
    log(`  ${STEADY_STATE_WARMUP_SECONDS} s of unmeasured calls at concurrency 32 (steady state)`);
    const warmUp = await loadRun({
      ...completions(32, STEADY_STATE_WARMUP_SECONDS, 500_000 * (mode.workers + 1)),
      warmupSeconds: 0,
    });
    log(`  ${OUTPUT_TOKENS}-token calls at concurrency 1`);
    const c1 = await loadRun(completions(1, LOAD_SECONDS, 1_000_000 * (mode.workers + 1)));
    log(`  ${OUTPUT_TOKENS}-token calls at concurrency 32`);
    const c32 = await loadRun(completions(32, LOAD_SECONDS, 2_000_000 * (mode.workers + 1)));
    log(`  /health and uploads under ${CHAT_LOAD_CONNECTIONS}-way chat load`);
    const underLoad = await observe(ctx, () =>
      Promise.all([
        runChild<LoadResult>(
          'loadChild.ts',
          completions(CHAT_LOAD_CONNECTIONS, LOAD_SECONDS + 2, 3_000_000 * (mode.workers + 1)),
        ),
        // The probe starts once the chat load is under way (after its warm-up).
        new Promise((resolve) => setTimeout(resolve, (WARMUP_SECONDS + 1) * 1000)).then(() =>
          runChild<ProbeResult>('probeChild.ts', probe(LOAD_SECONDS)),
        ),
      ]),
    );
    const [chat, probed] = underLoad.result;
    perMode[mode.name] = {
      workers: mode.workers,
      idleRunsInline: mode.idleRunsInline,
      databaseThread: DATABASE_URL ? 'PostgreSQL (its own processes)' : mode.databaseThread,
      warmUp: {
        seconds: STEADY_STATE_WARMUP_SECONDS,
        callsPerSecond: warmUp.callsPerSecond,
        cpuMsPerCall: warmUp.node.cpuMsPerCall,
        note: 'unmeasured: the freshly started node compiling its code (concurrency 32)',
      },
      concurrency1: c1,
      concurrency32: c32,
      underChatLoad: {
        chat,
        health: probed.health,
        uploads: probed.uploads,
        node: {
          eventLoopUtilization: underLoad.node.eventLoopUtilization,
          cpuCoresBusy: underLoad.node.cpuCoresBusy,
        },
        otherProcessesCoresBusy: underLoad.otherCores,
      },
    };
  }

  // The model alone: raw generate() on its own index, in this process, no node.
  const index = await openIndex({ directory: join(artifactDir(ctx, build.artifactHash!), 'index') });
  const raw: number[] = [];
  for (let i = 0; i < (quick ? 200 : 1000); i++) {
    const t0 = performance.now();
    for (const _ of generate({
      index,
      prompt: prompts[i % prompts.length]!,
      maxTokens: OUTPUT_TOKENS,
      temperature: 1,
      seed: i,
    }));
    raw.push(performance.now() - t0);
  }
  await index.close();
  const rawGenerate = summary(raw);

  const pool = perMode.pool as {
    concurrency1: Observed;
    concurrency32: Observed;
    underChatLoad: { health: ProbeResult['health']; uploads: ProbeResult['uploads'] };
  };
  const inline = perMode.inline as typeof pool;
  const met = {
    uploadP99Ms: pool.underChatLoad.uploads.p99 <= TARGETS.uploadP99Ms,
    healthP99Ms: pool.underChatLoad.health.p99 <= TARGETS.healthP99Ms,
    callsPerSecondAt32: pool.concurrency32.callsPerSecond >= TARGETS.callsPerSecondAt32,
    overheadP99Ms: (pool.concurrency1.overheadMs?.p99 ?? Number.POSITIVE_INFINITY) <= TARGETS.overheadP99Ms,
  };
  /** Calls/s the CPU per call would allow with every core free for the node and its load generator. */
  const cpuBound = (o: Observed) =>
    o.node.cpuMsPerCall && o.loadGeneratorCpuMsPerCall !== null
      ? round((cpus().length * 1000) / (o.node.cpuMsPerCall + o.loadGeneratorCpuMsPerCall), 1)
      : null;

  const modeSummary = (m: typeof pool) => ({
    callsPerSecondAt1: m.concurrency1.callsPerSecond,
    callsPerSecondAt32: m.concurrency32.callsPerSecond,
    overheadAt1: m.concurrency1.overheadMs,
    overheadAt32: m.concurrency32.overheadMs,
    underChatLoad: {
      healthP99Ms: m.underChatLoad.health.p99,
      uploadP99Ms: m.underChatLoad.uploads.p99,
    },
    cpuMsPerCallAt32: m.concurrency32.node.cpuMsPerCall,
    callsPerSecondIfCoresWereFreeAt32: cpuBound(m.concurrency32),
    otherProcessesCoresBusyAt32: m.concurrency32.otherProcessesCoresBusy,
  });

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
      loadAverage: { atStart: loadAtStart.map((x) => round(x, 2)), atEnd: loadavg().map((x) => round(x, 2)) },
      shared:
        'the CPU is shared with other work on this machine: otherProcessesCoresBusy in each run says how many cores it took meanwhile',
      database:
        node!.ctx.db.kind === 'pglite'
          ? "PGlite, embedded, on disk (the node's default), on the thread each mode's databaseThread names"
          : 'PostgreSQL (--database-url)',
      processes:
        'the node runs in the benchmark process (which only waits while loads run), with its worker threads; the load generator (autocannon) and the probe are separate Node processes; Anvil another',
    },
    corpus: {
      source: corpus.source,
      documents: corpus.documents.length,
      tokens: corpus.tokens,
      bytes: corpus.bytes,
      contributors: CONTRIBUTORS.length,
      contributeSeconds: round(contributeSeconds, 1),
      commitBuildRegisterSeconds: round(buildSeconds, 1),
      model: { id: model.id, kind: 'infini-gram', artifactHash: build.artifactHash },
    },
    method: {
      calls: `POST /v1/completions, max_tokens ${OUTPUT_TOKENS}, temperature 1, a distinct seed per call, prompts from the corpus, one payer; each mode first serves ${STEADY_STATE_WARMUP_SECONDS} s of calls at concurrency 32 unmeasured (steady state: the JIT has compiled the node's code; warmUp reports that run), then each run: autocannon for ${LOAD_SECONDS} s after ${WARMUP_SECONDS} s unmeasured; calls/s counts 2xx; latency from each response's own timing`,
      overhead:
        "each answer's x-tributary-overhead-ms header: the node's time on the call (from the handler's start to the response: authentication, validation, pricing, reservation, queueing for a worker, attribution, receipt signature and durable write, JSON) minus the model's own generation time",
      underChatLoad: `${CHAT_LOAD_CONNECTIONS} connections of the same calls while a probe process sends GET /health every 20 ms and uploads a fresh ~2 KB contribution (signed beforehand) every 100 ms, one at a time`,
      node: 'eventLoopUtilization: the request thread; cpuMsPerCall: the whole node process (request thread and worker threads) per 2xx call',
    },
    inline: perMode.inline,
    poolWorkersOnly: perMode.poolWorkersOnly,
    pool: perMode.pool,
    baselines: {
      idleNode: idle,
      rawGenerate200Tokens: {
        ...rawGenerate,
        note: 'generate() on the model index in this process, no node',
      },
    },
    summary: {
      targets: TARGETS,
      met,
      pool: modeSummary(pool),
      poolWorkersOnly: modeSummary(perMode.poolWorkersOnly as typeof pool),
      inline: modeSummary(inline),
      rawGenerate200TokensP50Ms: rawGenerate.p50,
      benchSeconds: round((Date.now() - Date.parse(started)) / 1000, 1),
    },
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
} finally {
  await node?.stop();
  await net.stop();
}
process.exit(0);
