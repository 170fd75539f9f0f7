/**
 * Suffix-array construction against native code, in the same run: the current builder (TypeScript
 * steps over WebAssembly kernels), the previous TypeScript builder, the same SA-IS compiled
 * natively with gcc -O3 (native/sortTokens.c), and Debian's libdivsufsort on a byte view of the
 * tokens (native/divsufsortBaseline.c), each in its own process on the same token file, with the
 * arrays checked to be identical.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { indexTokenIds } from '../src/tokenizer.js';
import type { RealCorpusResult } from './realCorpora.js';
import { generateZipfCorpus } from './zipfCorpus.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const native = join(here, '..', 'native');
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

type Measurement = {
  seconds: number;
  cpuSeconds: number;
  processSeconds: number;
  peakRssBytes: number;
  sha256: string;
};

/** Compiles the native baselines; a missing compiler or library skips that baseline with a note. */
async function compileNatives(
  directory: string,
): Promise<{ builders: Record<string, string[]>; skipped: Record<string, string> }> {
  const builders: Record<string, string[]> = {};
  const skipped: Record<string, string> = {};
  const sais = join(directory, 'sortTokens');
  try {
    await run('gcc', ['-O3', '-o', sais, join(native, 'sortTokens.c'), join(native, 'suffixArray.c')]);
    builders['native SA-IS (gcc -O3)'] = [sais];
  } catch (error) {
    skipped['native SA-IS (gcc -O3)'] =
      `gcc failed or is missing (apt-get install -y gcc): ${(error as Error).message.split('\n')[0]}`;
  }
  const divsufsort = join(directory, 'divsufsortBaseline');
  try {
    await run('gcc', ['-O3', '-o', divsufsort, join(native, 'divsufsortBaseline.c'), '-ldivsufsort']);
    builders['libdivsufsort, byte view (gcc -O3)'] = [divsufsort];
  } catch {
    skipped['libdivsufsort, byte view (gcc -O3)'] =
      'libdivsufsort is not installed: apt-get install -y libdivsufsort-dev';
  }
  return { builders, skipped };
}

async function measure(command: string[], tokens: string, out: string): Promise<Measurement> {
  const start = performance.now();
  const { stdout } = await run(
    command[0]!,
    [
      ...command.slice(1),
      ...(command[0] === process.execPath ? ['--tokens', tokens, '--out', out] : [tokens, out]),
    ],
    {
      maxBuffer: 1 << 20,
    },
  );
  const processSeconds = (performance.now() - start) / 1000;
  const result = JSON.parse(stdout) as { seconds: number; cpuSeconds: number; peakRssBytes: number };
  const sha256 = createHash('sha256')
    .update(await readFile(out))
    .digest('hex');
  await rm(out, { force: true });
  return { ...result, processSeconds, sha256 };
}

/** 16-bit token file of documents (dense ids by first appearance, 0 between documents). */
async function writeTokenFile(path: string, documents: readonly Uint32Array[]): Promise<number> {
  const dense = new Map<number, number>();
  let total = 0;
  for (const d of documents) total += d.length + 1;
  const tokens = new Uint16Array(total);
  let at = 0;
  for (const d of documents) {
    for (const id of d) {
      let x = dense.get(id);
      if (x === undefined) {
        x = dense.size + 1;
        if (x > 65_535) throw new Error('more than 65,535 token types');
        dense.set(id, x);
      }
      tokens[at++] = x;
    }
    tokens[at++] = 0;
  }
  await writeFile(path, new Uint8Array(tokens.buffer));
  return total;
}

export type MeasureSuffixArrayParameters = {
  zipfTokens: number;
  realCorpus: RealCorpusResult;
  runs: number;
  log: (message: string) => void;
};

/** Builds suffix arrays of a synthetic and a real token file with every builder; prints ratios. */
export async function measureSuffixArrayBuild(
  parameters: MeasureSuffixArrayParameters,
): Promise<Record<string, unknown>> {
  const { log } = parameters;
  const directory = await mkdtemp(join(tmpdir(), 'attribution-sa-'));
  try {
    const { builders: natives, skipped } = await compileNatives(directory);
    const builders: Record<string, string[]> = {
      'current (TypeScript steps + WebAssembly kernels)': [
        process.execPath,
        ...process.execArgv,
        join(here, 'suffixArrayChild.ts'),
        '--builder',
        'current',
      ],
      'previous (TypeScript)': [
        process.execPath,
        ...process.execArgv,
        join(here, 'suffixArrayChild.ts'),
        '--builder',
        'previous',
      ],
      ...natives,
    };
    const files: { name: string; path: string; tokens: number }[] = [];
    const zipf = join(directory, 'zipf.u16');
    const corpus = generateZipfCorpus({ tokens: parameters.zipfTokens, seed: 1, separators: true });
    await writeFile(
      zipf,
      new Uint8Array(corpus.tokens.buffer, corpus.tokens.byteOffset, corpus.tokens.byteLength),
    );
    files.push({
      name: `synthetic Zipf, ${parameters.zipfTokens / 1e6}M tokens`,
      path: zipf,
      tokens: corpus.tokens.length,
    });
    if (!('skipped' in parameters.realCorpus)) {
      const real = join(directory, 'real.u16');
      log(`suffix arrays: tokenizing ${parameters.realCorpus.name}`);
      const total = await writeTokenFile(
        real,
        parameters.realCorpus.documents.map((d) => indexTokenIds({ text: d.text })),
      );
      files.push({
        name: `${parameters.realCorpus.name} (real text), ${round(total / 1e6, 2)}M tokens`,
        path: real,
        tokens: total,
      });
    }
    const results: Record<string, unknown>[] = [];
    for (const file of files) {
      const measured: Record<string, Measurement> = {};
      for (const [name, command] of Object.entries(builders)) {
        const runs: Measurement[] = [];
        for (let r = 0; r < parameters.runs; r++)
          runs.push(await measure(command, file.path, join(directory, 'out.sa')));
        const best = (key: 'seconds' | 'cpuSeconds' | 'processSeconds') =>
          Math.min(...runs.map((x) => x[key]));
        measured[name] = {
          seconds: best('seconds'),
          cpuSeconds: best('cpuSeconds'),
          processSeconds: best('processSeconds'),
          peakRssBytes: Math.max(...runs.map((x) => x.peakRssBytes)),
          sha256: runs[0]!.sha256,
        };
        log(
          `  ${file.name}: ${name} ${round(measured[name]!.seconds, 2)} s (CPU ${round(measured[name]!.cpuSeconds, 2)} s)`,
        );
      }
      const current = measured['current (TypeScript steps + WebAssembly kernels)']!;
      const identical = Object.values(measured).every((m) => m.sha256 === current.sha256);
      const ratios: Record<string, unknown> = {};
      for (const name of Object.keys(natives)) {
        const n = measured[name]!;
        ratios[name] = {
          speedRatio: round(n.seconds / current.seconds),
          cpuSpeedRatio: round(n.cpuSeconds / current.cpuSeconds),
          wholeProcessSpeedRatio: round(n.processSeconds / current.processSeconds),
        };
      }
      const previous = measured['previous (TypeScript)']!;
      results.push({
        file: file.name,
        tokens: file.tokens,
        identicalArrays: identical,
        builders: Object.fromEntries(
          Object.entries(measured).map(([name, m]) => [
            name,
            {
              seconds: round(m.seconds),
              cpuSeconds: round(m.cpuSeconds),
              wholeProcessSeconds: round(m.processSeconds),
              peakRssBytesPerToken: round(m.peakRssBytes / file.tokens, 2),
            },
          ]),
        ),
        currentAgainstNative: ratios,
        speedupOverPrevious: {
          seconds: round(previous.seconds / current.seconds, 2),
          cpuSeconds: round(previous.cpuSeconds / current.cpuSeconds, 2),
        },
      });
      if (!identical) throw new Error(`suffix arrays of ${file.name} differ between builders`);
    }
    return {
      method: `each builder in its own process, best of ${parameters.runs} runs; seconds = the build alone (wall), cpuSeconds = its CPU time, wholeProcessSeconds = spawn to exit (start-up and reading the token file included); speedRatio = native seconds / current seconds (target ≥ 0.5)`,
      target: { speedRatioAgainstNative: 0.5 },
      skipped,
      files: results,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
