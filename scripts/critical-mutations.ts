/**
 * Critical-line mutation testing: applies each mutation of scripts/critical-mutations.json (one
 * line that guards money, rights or verification, broken on purpose) to the node, protocol or
 * contracts, runs the tests meant to catch it, restores the file, and prints JSON with the
 * survivors. A mutation whose tests still pass is a test gap.
 *
 *   npx tsx scripts/critical-mutations.ts [--only id,id] [--area node|protocol|contracts] [--no-baseline] [--list]
 *
 * Every test command first runs unmutated (the baseline): a mutation is only "killed" by a test
 * that passed before it. PostgreSQL mutations need TEST_DATABASE_URL (as `.ci/run` sets it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

type Mutation = {
  id: string;
  area: 'node' | 'protocol' | 'contracts';
  why: string;
  file: string;
  edits: { find: string; replace: string }[];
  test: string;
  postgres?: boolean;
};

type Outcome = 'killed' | 'survived' | 'stale' | 'invalid' | 'skipped' | 'baseline-failed';
type Result = { id: string; area: string; outcome: Outcome; seconds: number; detail?: string; log?: string };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    area: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

const all = (
  JSON.parse(readFileSync(join(root, 'scripts', 'critical-mutations.json'), 'utf8')) as {
    mutations: Mutation[];
  }
).mutations;
const only = values.only?.split(',');
const chosen = all.filter((m) => (!only || only.includes(m.id)) && (!values.area || m.area === values.area));
if (values.list) {
  for (const m of chosen) process.stdout.write(`${m.id}\t${m.area}\t${m.why}\n`);
  process.exit(0);
}
if (only)
  for (const id of only) if (!all.some((m) => m.id === id)) throw new Error(`no mutation named ${id}`);

const logs = mkdtempSync(join(tmpdir(), 'critical-mutations-'));
const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Runs a test command from the repository root; resolves with its exit code and log file. */
function runTest(command: string, logName: string): Promise<{ code: number; log: string; output: string }> {
  const log = join(logs, `${logName}.log`);
  return new Promise((done) => {
    const child = spawn(command, {
      cwd: root,
      shell: true,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      writeFileSync(log, output);
      done({ code: code ?? 1, log, output });
    });
  });
}

/** A failure that says the mutant did not build or load, not that a test caught it. */
const brokeTheBuild = (output: string) =>
  /Compiler run failed|Transform failed|SyntaxError|Failed to load url|ERROR: Expected/.test(output);

// The file being mutated, restored on any exit (Ctrl-C included).
let restoring: { path: string; original: string } | null = null;
const restore = () => {
  if (restoring) writeFileSync(restoring.path, restoring.original);
  restoring = null;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}

const needsPostgres = (m: Mutation) => m.postgres === true && !process.env.TEST_DATABASE_URL;
const baseline = new Map<string, boolean>();
if (!values['no-baseline']) {
  for (const command of new Set(chosen.filter((m) => !needsPostgres(m)).map((m) => m.test))) {
    const started = Date.now();
    const { code, log } = await runTest(command, `baseline-${baseline.size}`);
    baseline.set(command, code === 0);
    progress(
      `baseline ${code === 0 ? 'passes' : `FAILS (${log})`} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${command}`,
    );
  }
}

const results: Result[] = [];
for (const m of chosen) {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const base = { id: m.id, area: m.area };
  if (needsPostgres(m)) {
    results.push({ ...base, outcome: 'skipped', seconds: 0, detail: 'needs TEST_DATABASE_URL (PostgreSQL)' });
    continue;
  }
  if (baseline.get(m.test) === false) {
    results.push({
      ...base,
      outcome: 'baseline-failed',
      seconds: 0,
      detail: `the test fails unmutated: ${m.test}`,
    });
    continue;
  }
  const path = join(root, m.file);
  const original = readFileSync(path, 'utf8');
  let mutated = original;
  const stale = m.edits.find((e) => mutated.split(e.find).length !== 2);
  if (stale) {
    results.push({
      ...base,
      outcome: 'stale',
      seconds: 0,
      detail: `not found exactly once in ${m.file}: ${stale.find}`,
    });
    continue;
  }
  for (const e of m.edits) mutated = mutated.replace(e.find, () => e.replace);
  restoring = { path, original };
  writeFileSync(path, mutated);
  try {
    const { code, log, output } = await runTest(m.test, m.id);
    const outcome: Outcome = code === 0 ? 'survived' : brokeTheBuild(output) ? 'invalid' : 'killed';
    results.push({ ...base, outcome, seconds: seconds(), log });
    progress(`${outcome.padEnd(8)} ${m.id} (${seconds()} s)`);
  } finally {
    restore();
  }
}

const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
process.stdout.write(
  `${JSON.stringify(
    {
      mutations: results.length,
      killed: count('killed'),
      survived: count('survived'),
      survivors: results
        .filter((r) => r.outcome === 'survived')
        .map((r) => ({ id: r.id, area: r.area, why: chosen.find((m) => m.id === r.id)!.why })),
      notRun: results.filter((r) => !['killed', 'survived'].includes(r.outcome)),
      results,
    },
    null,
    2,
  )}\n`,
);
process.exitCode = count('survived') > 0 ? 1 : 0;
