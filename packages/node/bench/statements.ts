/**
 * What the embedded database's statements cost: prints one JSON object comparing, in the same run
 * on the same database, PGlite's `query` (it parses, describes and plans the statement on every
 * call) with the node's prepared statements (`src/store/preparedStatements.ts`: parsed once, then
 * one bind-execute message), for the node's most frequent write, the receipt batch's statement
 * (one receipt with 8 contributions per statement, as at concurrency 1), on a migrated PGlite
 * database in a temporary directory. The two alternate in rounds of 100 so that the host's drift
 * falls on both.
 *
 *   npx tsx --conditions=tributary-source bench/statements.ts [--runs 1500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { type ReceiptBatch, receiptStatement } from '../src/receipts/storeReceipt.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { openPgliteDatabase } from '../src/store/pglite.js';
import { preparedStatements } from '../src/store/preparedStatements.js';
import { summary } from './stats.js';

const at = process.argv.indexOf('--runs');
const RUNS = at > 0 ? Number(process.argv[at + 1]) : 1_500;
const ROUND = 100;
const CONTRIBUTIONS = 8;
const FEE = 1_000n;

const hex = (n: number, bytes = 32) => `0x${n.toString(16).padStart(bytes * 2, '0')}` as Hex;

/** A receipt as the statement reads it (the fields it stores, and a body of a real one's size). */
function receiptNumber(n: number): Receipt {
  return {
    requestId: hex(n),
    payer: hex(7, 20),
    model: { id: '1', version: 1, artifactHash: hex(9) },
    fee: FEE.toString(),
    input: { tokens: 12, hash: hex(n + 1) },
    output: { tokens: 200, hash: hex(n + 2), finishReason: 'stop' },
    sampling: { temperature: 1, topK: 0, seed: n },
    attribution: {
      method: 'infini-gram',
      contributions: Array.from({ length: CONTRIBUTIONS }, (_, i) => ({
        contributionId: String(i + 1),
        contributor: hex(i + 100, 20),
        datanetId: '1',
        ppm: 125_000,
        amount: '50',
      })),
    },
  } as unknown as Receipt;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-statements-bench-'));
  try {
    const migrating = await openDb({ dataDir: dir, thread: 'request' });
    await migrate(migrating);
    await migrating.close();
    const db = await openPgliteDatabase(dir);
    const prepared = preparedStatements(db);
    let n = 0;
    let feeTotal = 0n;
    const nextStatement = () => {
      n++;
      const batch: ReceiptBatch = {
        open: { epoch: 1n, feeTotal },
        bps: 100,
        receipts: [receiptNumber(n)],
        salts: [hex(n + 3)],
        reservations: [`reservation-${n}`],
      };
      feeTotal += FEE;
      return receiptStatement(batch, [{ receiptHash: hex(n + 4), signature: hex(n + 5, 65) }]);
    };
    const ways = {
      query: async () => {
        const { sql, params } = nextStatement();
        return (await db.query<{ written: number }>(sql, params)).rows;
      },
      prepared: async () => {
        const { sql, params } = nextStatement();
        return (await prepared<{ written: number }>(sql, params, null)).rows;
      },
    };
    const samples: Record<keyof typeof ways, number[]> = { query: [], prepared: [] };
    // Warm-up (the JIT, PGlite's caches, the prepared statement itself), then alternating rounds.
    for (const way of Object.values(ways)) for (let i = 0; i < ROUND; i++) await way();
    for (let done = 0; done < RUNS; done += ROUND) {
      for (const [name, way] of Object.entries(ways) as [
        keyof typeof ways,
        () => Promise<{ written: number }[]>,
      ][]) {
        for (let i = 0; i < ROUND; i++) {
          const started = performance.now();
          const [row] = await way();
          samples[name].push(performance.now() - started);
          if (row?.written !== 1) throw new Error('a receipt statement did not apply: the bench is broken');
        }
      }
    }
    await db.close();
    const query = summary(samples.query);
    const viaPrepared = summary(samples.prepared);
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'receipt statement on PGlite: query vs prepared',
          startedAt: new Date().toISOString(),
          command: 'npm run -s bench -w @tributary/node (third JSON object)',
          method: `${RUNS} statements each way after ${ROUND} unmeasured, alternating rounds of ${ROUND}; one receipt with ${CONTRIBUTIONS} contributions per statement; PGlite in this thread, data in a temporary directory`,
          queryMs: query,
          preparedMs: viaPrepared,
          speedupP50: Number((query.p50 / viaPrepared.p50).toFixed(2)),
          speedupMean: Number((query.mean / viaPrepared.mean).toFixed(2)),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
