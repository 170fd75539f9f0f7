import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS, freePort } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runDev, stopDev } from './testing/devProcess.js';

type Completion = {
  choices: { text: string }[];
  attribution: { receipt_id: Hex; prompt_salt: Hex; contributions: unknown[] };
};

describe('tributary verify-receipt and verify-epoch against a running dev network', () => {
  const home = mkdtempSync(join(tmpdir(), 'tributary-verify-'));
  let dev: Awaited<ReturnType<typeof runDev>>;
  let api: string;
  const prompt = 'A river crossing a flat plain rarely runs straight. Small irregularities in the bed';
  let completion: Completion;

  beforeAll(async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    dev = await runDev(home, chainPort, port);
    api = `http://127.0.0.1:${port}`;
    // Dev account 6 holds tokens from the dev network; it funds calls and asks the demo model.
    const payer = createTributaryClient({ url: api, account: ANVIL_PRIVATE_KEYS[6] as Hex });
    await payer.fundCalls({ amount: parseEther('1'), cap: parseEther('1') });
    await payer.login({ label: 'verify-test' });
    completion = await payer.request<Completion>('POST', '/v1/completions', {
      model: 'rivers-ngram',
      prompt,
      max_tokens: 16,
    });
  });
  afterAll(async () => {
    if (dev) await stopDev(dev.child);
    rmSync(home, { recursive: true, force: true });
  });

  it('re-checks a receipt from public data: valid for the real answer, exit 1 for a changed one', async () => {
    expect(completion.attribution.contributions.length).toBeGreaterThan(0);
    const outputFile = join(home, 'answer.txt');
    writeFileSync(outputFile, completion.choices[0]!.text);
    const args = [
      'verify-receipt',
      '--node',
      api,
      '--receipt',
      completion.attribution.receipt_id,
      '--salt',
      completion.attribution.prompt_salt,
    ];
    const good = await runCli([...args, '--prompt', prompt, '--output-file', outputFile, '--json']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      valid: true,
      problems: [],
      recomputed: { artifactMatches: true, outputMatches: true },
    });

    writeFileSync(outputFile, `${completion.choices[0]!.text} (edited)`);
    const edited = await runCli([...args, '--prompt', prompt, '--output-file', outputFile, '--json']);
    expect(edited.code).toBe(1);
    expect(JSON.parse(edited.stdout).problems).toEqual([
      "the output given does not hash to the receipt's output hash",
    ]);

    const missing = await runCli(['verify-receipt', '--node', api]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('verify-receipt needs --node URL, --receipt');
  });

  it('re-checks a settled epoch from its published data and the chain', async () => {
    const operator = createTributaryClient({ url: api, account: ANVIL_PRIVATE_KEYS[9] as Hex });
    await operator.login({ label: 'operator' });
    const { settled } = await operator.runSettlement();
    expect(settled).toHaveLength(1);
    const result = await runCli(['verify-epoch', '--node', api, '--epoch', settled[0]!, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ valid: true, problems: [] });

    const unknown = await runCli(['verify-epoch', '--node', api, '--epoch', '999', '--json']);
    expect(unknown.code).toBe(1);
    const malformed = await runCli(['verify-epoch', '--node', api, '--epoch', 'last']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('--epoch must be an epoch number, got last');
  });
});
