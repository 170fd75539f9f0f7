import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startPollLoop } from './pollLoop.js';

/** A real pino logger whose lines are kept. */
function capturingLogger() {
  const lines: { msg: string; reason?: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('startPollLoop', () => {
  it('runs passes one after another, logs a failed pass and goes on', async () => {
    const { logger, lines } = capturingLogger();
    let passes = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const loop = startPollLoop({
      pollMs: 1,
      name: 'test',
      logger,
      pass: async () => {
        passes++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 10));
        concurrent--;
        if (passes === 2) throw new Error('chain unreachable');
      },
    });
    await until(() => passes >= 4);
    await loop.stop();
    expect(maxConcurrent).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'test pass failed; retrying', reason: 'chain unreachable' }),
    );
  });

  it('stop waits for the pass in flight, and none starts after it', async () => {
    const { logger } = capturingLogger();
    let started = 0;
    let finished = 0;
    const loop = startPollLoop({
      pollMs: 1,
      name: 'test',
      logger,
      pass: async () => {
        started++;
        await new Promise((r) => setTimeout(r, 30));
        finished++;
      },
    });
    await until(() => started === 1);
    await loop.stop();
    expect(finished).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(1);
  });

  it('never runs with pollMs 0', async () => {
    const { logger } = capturingLogger();
    let passes = 0;
    const loop = startPollLoop({ pollMs: 0, name: 'test', logger, pass: async () => void passes++ });
    await new Promise((r) => setTimeout(r, 20));
    await loop.stop();
    expect(passes).toBe(0);
  });
});
