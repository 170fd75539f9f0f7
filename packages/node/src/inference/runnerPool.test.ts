/**
 * Where the runner pool runs a call: on the request thread when nothing is in flight (an idle
 * node spares the hand-over to a worker), on a worker as soon as calls overlap — and the answer is
 * the same wherever it ran.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInput } from '../models/runner.js';
import { indexOfTexts } from '../testing/textIndex.js';
import type { RunnerSpec } from './openRunner.js';
import { createRunnerPool, type PooledModel, type RunnerPool } from './runnerPool.js';

const documents = [
  'The river carries silt from the mountains to the delta, where the water slows and the silt settles.',
  'The delta grows each year as the river carries silt from the mountains, a slow and patient process.',
  'Users have the freedom to run, copy, distribute, study, change and improve the software they use.',
];

const input = (seed: number): RunInput => ({
  prompt: 'The river',
  maxTokens: 24,
  temperature: 1,
  seed,
  stop: [],
});

describe('runner pool placement', () => {
  let dir: string;
  const pools: RunnerPool[] = [];
  const spec = (): RunnerSpec => ({ key: 'm', kind: 'infini-gram', dir, params: {}, name: 'm' });
  const openPool = (runsHereWhenIdle: boolean) => {
    const pool = createRunnerPool({
      workers: 1,
      runsHereWhenIdle,
      upstreams: {},
      signing: { key: ANVIL_PRIVATE_KEYS[1]!, chainId: 31337, rewardDistributor: `0x${'11'.repeat(20)}` },
      logger: pino({ level: 'silent' }),
    });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-pool-'));
    const index = await indexOfTexts(join(dir, 'index'), documents);
    await index.close();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an idle call here and overlapping calls on a worker, with the same answers', async () => {
    const model: PooledModel = await openPool(true).load(spec());
    expect(await model.loadedHere).toBe(true);

    const alone = model.start(input(7), { stream: false });
    const overlapping = model.start(input(7), { stream: false });
    expect([alone.here, overlapping.here]).toEqual([true, false]);
    const [a, b] = await Promise.all([alone.outcome, overlapping.outcome]);
    expect(a.text).not.toBe('');
    expect(b).toMatchObject({ text: a.text, attribution: a.attribution, spans: a.spans });

    // Idle again: the next call runs here, a streamed one as well.
    const streamed = model.start(input(7), { stream: true });
    expect(streamed.here).toBe(true);
    let text = '';
    for await (const piece of streamed.pieces) text += piece;
    expect(text).toBe(a.text);
    expect((await streamed.finish({ chars: null, cancelled: false })).text).toBe(a.text);
    expect(model.start(input(8), { stream: false }).here).toBe(true);
  });

  it("lets other requests in while an idle call generates on the request thread, and does not count their time as the model's", async () => {
    const model = await openPool(true).load(spec());
    expect(await model.loadedHere).toBe(true);
    // Turns of the event loop (what an arriving request needs) while a 200-token run goes on here,
    // each taking 20 ms of other work.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      const until = performance.now() + 20;
      while (performance.now() < until);
      if (counting) setImmediate(count);
    };
    const run = model.start({ ...input(7), maxTokens: 200 }, { stream: false });
    expect(run.here).toBe(true);
    setImmediate(count);
    const outcome = await run.outcome;
    counting = false;
    // Generation yields every 32 tokens: at least one turn per 32 tokens generated.
    expect(outcome.outputTokens).toBeGreaterThan(64);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(outcome.outputTokens / 32));
    // The other work is not the model's time (it is the call's overhead: queueing).
    expect(outcome.generationMs).toBeLessThan((turns * 20) / 2);
  });

  it('runs every call on a worker when idle runs inline are off', async () => {
    const model = await openPool(false).load(spec());
    expect(await model.loadedHere).toBe(false);
    const run = model.start(input(7), { stream: false });
    expect(run.here).toBe(false);
    expect((await run.outcome).text).not.toBe('');
  });

  it('stops running a closed model here (unloaded everywhere: a late run fails, nothing stays in flight)', async () => {
    const pool = openPool(true);
    const model = await pool.load(spec());
    expect(await model.loadedHere).toBe(true);
    await model.close();
    const late = model.start(input(7), { stream: false });
    expect(late.here).toBe(false);
    await expect(late.outcome).rejects.toThrow('model m is not loaded in this runner host');
    expect(pool.idle()).toBe(true);
  });
});
