/**
 * What checking a served model's artifact costs: prints one JSON object with, for an artifact built
 * the node's way (model.json, the attribution index, a retrieval index) from synthetic text,
 * - the per-call check (`stampsUnchanged`: readdir + stat of every file, compared with the stamps
 *   taken at load) p50/p99 over many runs,
 * - the full re-hash (`hashArtifact`: sha256 of every byte), which is what checking on every
 *   access by hashing would cost — the baseline the stat check is compared with, in the same run,
 * - the rebuild from documents (what a detected change costs before the model answers again).
 *
 *   npx tsx bench/artifactCheck.ts [--tokens 1000000] [--runs 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTextGenerator } from '../../attribution/bench/syntheticText.js';
import { hashArtifact, MODEL_CONFIG_FORMAT, type ModelConfig } from '../src/models/artifact.js';
import { stampArtifact, stampsUnchanged } from '../src/models/artifactStamps.js';
import type { TrainingDocument } from '../src/models/trainingIndex.js';
import { writeArtifact } from '../src/models/writeArtifact.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const tokens = arg('tokens', 1_000_000);
const runs = arg('runs', 2_000);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'tributary-artifact-bench-'));
  try {
    const text = createTextGenerator({ seed: 7 });
    // Documents of ~2,000 words (≈ tokens) from 50 contributors.
    const documents: TrainingDocument[] = [];
    for (let i = 0; i * 2_000 < tokens; i++) {
      documents.push({
        contributionId: String(i + 1),
        contributor: `0x${String(i % 50).padStart(40, '0')}`,
        datanetId: '1',
        text: text.text(2_000),
      });
    }
    const config: ModelConfig = {
      format: MODEL_CONFIG_FORMAT,
      name: 'bench',
      kind: 'retrieval',
      params: {},
      datanets: [{ datanetId: '1', version: 1, manifestRoot: `0x${'0'.repeat(64)}` }],
      tokenizer: 'o200k_base',
      excluded: [],
    };
    const dir = join(home, 'artifact');
    let started = performance.now();
    const { files, index } = await writeArtifact({ dir, config, documents });
    const buildMs = performance.now() - started;
    const indexTokens = index.stats().tokenCount;
    await index.close();
    const bytes = files.reduce((sum, f) => sum + f.bytes, 0);

    const stamps = await stampArtifact(dir);
    const stat: number[] = [];
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      if (!(await stampsUnchanged(dir, stamps))) throw new Error('stamps changed during the bench');
      stat.push(performance.now() - started);
    }
    const hash: number[] = [];
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      await hashArtifact(dir);
      hash.push(performance.now() - started);
    }
    const hashMs = percentile(hash, 50);
    process.stdout.write(
      `${JSON.stringify(
        {
          machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
          artifact: { tokens: indexTokens, files: files.length, bytes, documents: documents.length },
          perCallStatCheck: { runs, p50Ms: round(percentile(stat, 50)), p99Ms: round(percentile(stat, 99)) },
          baselineFullHash: { p50Ms: round(hashMs), mbPerSecond: Math.round(bytes / 1e6 / (hashMs / 1000)) },
          statCheckVsHash: Math.round(hashMs / percentile(stat, 50)),
          rebuildFromDocumentsMs: Math.round(buildMs),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
