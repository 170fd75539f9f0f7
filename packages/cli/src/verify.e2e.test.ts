import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANVIL_PRIVATE_KEYS,
  type EpochData,
  freePort,
  largestRemainder,
  type Receipt,
  receiptDomain,
  receiptMessage,
  receiptTypes,
  splitFee,
} from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Address, type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runDev, stopDev } from './testing/devProcess.js';
import { startDishonestNode } from './testing/dishonestNode.js';

/** The dev network's node key (it signs receipts): a dishonest node has it too. */
const nodeSigner = privateKeyToAccount(ANVIL_PRIVATE_KEYS[9] as Hex);

/** The receipt a node would sign had it billed `outputTokens`: fee, split and amounts all agree. */
async function inflatedBill(
  view: { receipt: Receipt; signature: Hex },
  outputTokens: number,
  rewardDistributor: Address,
) {
  const r = structuredClone(view.receipt);
  r.output.tokens = outputTokens;
  const fee =
    BigInt(r.pricing.pricePerInputToken) * BigInt(r.input.tokens) +
    BigInt(r.pricing.pricePerOutputToken) * BigInt(outputTokens);
  const { split } = r;
  const shares = splitFee({
    fee,
    feeBefore: BigInt(split.feeBefore),
    protocolFeeBps: split.protocolFeeBps,
    split: { computeBps: split.computeBps, developerBps: split.developerBps, dataBps: split.dataBps },
  });
  r.fee = fee.toString();
  for (const part of ['protocol', 'compute', 'developer', 'data'] as const)
    split[part] = shares[part].toString();
  const { contributions } = r.attribution;
  const amounts = largestRemainder({ amount: shares.data, weights: contributions.map((c) => BigInt(c.ppm)) });
  for (const [i, c] of contributions.entries()) c.amount = amounts[i]!.toString();
  if (contributions.length === 0) r.attribution.pool = shares.data.toString();
  const signature = await nodeSigner.signTypedData({
    domain: receiptDomain({ chainId: r.chainId, rewardDistributor }),
    types: receiptTypes,
    primaryType: 'Receipt',
    message: receiptMessage(r),
  });
  return { ...view, receipt: r, signature };
}

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

  it('rejects a receipt that bills more output tokens than the answer holds, however well signed', async () => {
    const payer = createTributaryClient({ url: api, account: ANVIL_PRIVATE_KEYS[6] as Hex });
    await payer.login({ label: 'verify-test' });
    const short = await payer.request<Completion>('POST', '/v1/completions', {
      model: 'rivers-ngram',
      prompt,
      max_tokens: 64,
      stop: ['.'],
    });
    const id = short.attribution.receipt_id;
    const view = await payer.getReceipt(id);
    const { maxTokens } = view.receipt.generation;
    expect(view.receipt.output.tokens).toBeGreaterThan(0);
    expect(view.receipt.output.tokens).toBeLessThan(maxTokens);
    const outputFile = join(home, 'short.txt');
    writeFileSync(outputFile, short.choices[0]!.text);
    const salt = short.attribution.prompt_salt;
    const args = ['--receipt', id, '--salt', salt, '--prompt', prompt, '--output-file', outputFile, '--json'];
    const honest = await runCli(['verify-receipt', '--node', api, ...args]);
    expect(honest.code, honest.stdout + honest.stderr).toBe(0);

    // The node bills maxTokens instead of the tokens it produced, and signs that.
    const { rewardDistributor } = (await payer.info()).addresses;
    const liar = await startDishonestNode({
      target: api,
      rewrite: {
        [`/v1/receipts/${id}`]: (body) => inflatedBill(body as typeof view, maxTokens, rewardDistributor),
      },
    });
    try {
      const inflated = await runCli(['verify-receipt', '--node', liar.url, ...args]);
      expect(inflated.code).toBe(1);
      expect(JSON.parse(inflated.stdout).problems).toEqual([
        `the output is ${view.receipt.output.tokens} tokens; the receipt bills ${maxTokens}`,
      ]);
    } finally {
      await liar.stop();
    }
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

  it('exits 1 on epoch data whose previous credits were shifted between accounts', async () => {
    const operator = createTributaryClient({ url: api, account: ANVIL_PRIVATE_KEYS[9] as Hex });
    await operator.login({ label: 'operator' });
    const payer = createTributaryClient({ url: api, account: ANVIL_PRIVATE_KEYS[6] as Hex });
    await payer.login({ label: 'verify-test' });
    // An epoch with an earlier one (the test before this one may have settled epoch 1).
    let epoch = '0';
    while (Number(epoch) < 2) {
      await payer.request('POST', '/v1/completions', { model: 'rivers-ngram', prompt, max_tokens: 8 });
      const { settled } = await operator.runSettlement();
      expect(settled).toHaveLength(1);
      epoch = settled[0]!;
    }
    const honest = await runCli(['verify-epoch', '--node', api, '--epoch', epoch, '--json']);
    expect(honest.code, honest.stderr).toBe(0);
    expect(JSON.parse(honest.stdout)).toEqual({ valid: true, problems: [] });

    // Some earlier credit moves from one account to another in what the node publishes.
    const shift = (body: unknown) => {
      const data = structuredClone(body as EpochData);
      const [from, to] = data.previousCredits as [
        EpochData['previousCredits'][number],
        EpochData['previousCredits'][number],
      ];
      from.cumulativeAmount = (BigInt(from.cumulativeAmount) - 1n).toString();
      to.cumulativeAmount = (BigInt(to.cumulativeAmount) + 1n).toString();
      return data;
    };
    const firstWithCredits = (body: unknown) => {
      const data = structuredClone(body as EpochData);
      data.previousCredits.push({ account: payer.account!.address, cumulativeAmount: '1' });
      return data;
    };
    const liar = await startDishonestNode({
      target: api,
      rewrite: { [`/v1/epochs/${epoch}/data`]: shift, '/v1/epochs/1/data': firstWithCredits },
    });
    try {
      const shifted = await runCli(['verify-epoch', '--node', liar.url, '--epoch', epoch, '--json']);
      expect(shifted.code).toBe(1);
      const { problems } = JSON.parse(shifted.stdout) as { problems: string[] };
      expect(problems.filter((p) => p.startsWith('previous credits of '))).toHaveLength(2);
      const first = await runCli(['verify-epoch', '--node', liar.url, '--epoch', '1', '--json']);
      expect(first.code).toBe(1);
      expect(JSON.parse(first.stdout).problems).toContain(
        "previous credits: epoch 1 is the node's first valid epoch, yet 1 accounts are listed",
      );
    } finally {
      await liar.stop();
    }
  });
});
