/**
 * Prints the mutation score of each package Stryker ran on (`npm run mutation`), as JSON, from
 * the reports it wrote: detected (killed or timed out) over valid mutants, in percent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Report = { files: Record<string, { mutants: { status: string }[] }> };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const scores: Record<string, unknown> = {};
for (const name of ['protocol', 'attribution']) {
  const path = join(root, 'packages', name, 'reports', 'mutation', 'mutation.json');
  if (!existsSync(path)) {
    scores[name] = { error: `no report at ${path}: run \`npm run mutation -w @tributary/${name}\`` };
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const count: Record<string, number> = {};
  for (const file of Object.values(report.files))
    for (const m of file.mutants) count[m.status] = (count[m.status] ?? 0) + 1;
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const undetected = (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  scores[name] = {
    score: Number(((100 * detected) / Math.max(1, detected + undetected)).toFixed(2)),
    killed: count.Killed ?? 0,
    timeout: count.Timeout ?? 0,
    survived: count.Survived ?? 0,
    noCoverage: count.NoCoverage ?? 0,
    invalid: (count.CompileError ?? 0) + (count.RuntimeError ?? 0),
    target: 80,
  };
}
process.stdout.write(`${JSON.stringify(scores, null, 2)}\n`);
