/**
 * Privacy of calls, on a real Anvil and node with a served model: payers read only their own
 * calls, contributors and developers their own shares, the public sees aggregates; receipts
 * commit to salted prompts (the salt goes to the payer only), so a guessed prompt cannot be
 * confirmed, while the payer can still verify the receipt.
 */
import { join } from 'node:path';
import { commitText } from '@tributary/protocol';
import OpenAI from 'openai';
import { type Hex, parseEther, sha256, toBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeReceipt } from '../models/publicRebuild.js';
import { buildAndRegister, fundPayer, type ModelSetup, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const PROMPT = 'The Glenmoriston kelpie survey of 1923';

describe('who sees which calls (real Anvil and node)', () => {
  let net: TestNetwork;
  let setup: ModelSetup;
  let payerKey: string;
  let answer: { text: string; receiptId: Hex; salt: Hex };

  beforeAll(async () => {
    net = await startTestNetwork();
    await net.startNode();
    const datanetId = await plantDatanet(net);
    setup = await buildAndRegister(net, datanetId, 'infini-gram', 'private-ngram', { maxOutputTokens: 32 });
    payerKey = await fundPayer(net, 7, parseEther('10'));
    const openai = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: payerKey, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'private-ngram',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 16,
      temperature: 0,
    });
    const attribution = (completion as unknown as { attribution: { receipt_id: Hex; prompt_salt: Hex } })
      .attribution;
    answer = {
      text: completion.choices[0]!.message.content!,
      receiptId: attribution.receipt_id,
      salt: attribution.prompt_salt,
    };
  }, 150_000); // a datanet, a model build and registration, a funded payer
  afterAll(() => net?.stop());

  const get = (path: string, key?: string) =>
    fetch(`${net.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it("keeps a payer's calls to the payer", async () => {
    const payer = net.chain.accounts[7]!;
    expect((await get(`/v1/activity?payer=${payer}`)).status).toBe(401);
    const stranger = await net.client(6).login();
    const refused = await get(`/v1/activity?payer=${payer}`, stranger);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_YOUR_ACTIVITY');
    expect(
      ((await (await get('/v1/activity', stranger)).json()) as { activity: unknown[] }).activity,
    ).toEqual([]);
    const own = (await (await get('/v1/activity', payerKey)).json()) as {
      activity: { receiptId: string; payer: string }[];
    };
    expect(own.activity.map((a) => [a.receiptId, a.payer])).toEqual([
      [answer.receiptId, payer.toLowerCase()],
    ]);
  });

  it('shows contributors and developers their own shares, without the payer', async () => {
    const contributor = await net.client(2).login(); // the kelpie document's contributor
    const shares = (await (await get('/v1/activity?as=contributor', contributor)).json()) as {
      activity: Record<string, unknown>[];
    };
    expect(shares.activity).toHaveLength(1);
    expect(shares.activity[0]).not.toHaveProperty('payer');
    expect(BigInt(shares.activity[0]!.earned as string)).toBeGreaterThan(0n);
    expect((await get(`/v1/activity?contributor=${net.chain.accounts[3]}`, contributor)).status).toBe(403);

    const developer = await net.client(5).login();
    const developerShares = (await (await get('/v1/activity?as=developer', developer)).json()) as {
      activity: Record<string, unknown>[];
    };
    const { receipt } = await net.client(7).getReceipt(answer.receiptId);
    expect(developerShares.activity).toEqual([
      expect.objectContaining({ receiptId: answer.receiptId, earned: receipt.split.developer }),
    ]);
    expect(developerShares.activity[0]).not.toHaveProperty('payer');
  });

  it('shows the public per-model aggregates only', async () => {
    const usage = (await (await get(`/v1/models/${setup.model.id}/usage`)).json()) as {
      usage: { calls: number; fees: string }[];
    };
    expect(usage.usage).toHaveLength(1);
    expect(usage.usage[0]).toMatchObject({ calls: 1 });
    expect(JSON.stringify(usage)).not.toContain(net.chain.accounts[7]!.toLowerCase().slice(2));
  });

  it('salts prompt commitments: a guess does not match, the payer with the salt verifies', async () => {
    const anonymous = (await (await get(`/v1/receipts/${answer.receiptId}`)).json()) as {
      receipt: { input: { sha256: Hex }; output: { sha256: Hex } };
      promptSalt?: Hex;
    };
    expect(anonymous.promptSalt).toBeUndefined();
    const billed = `user: ${PROMPT}`;
    // Guessing the prompt (even the right one) does not reproduce the commitment without the salt.
    for (const guess of [PROMPT, billed, 'user: hello']) {
      expect(sha256(toBytes(guess))).not.toBe(anonymous.receipt.input.sha256);
    }
    expect(sha256(toBytes(answer.text))).not.toBe(anonymous.receipt.output.sha256);
    const mine = (await (await get(`/v1/receipts/${answer.receiptId}`, payerKey)).json()) as {
      promptSalt: Hex;
    };
    expect(mine.promptSalt).toBe(answer.salt);
    expect(commitText(answer.salt, billed)).toBe(anonymous.receipt.input.sha256);
    expect(commitText(answer.salt, answer.text)).toBe(anonymous.receipt.output.sha256);

    const { receipt } = await net.client(7).getReceipt(answer.receiptId);
    const withSalt = await recomputeReceipt({
      nodeUrl: net.url,
      receipt,
      prompt: PROMPT,
      output: answer.text,
      promptSalt: answer.salt,
      workDir: join(net.home, 'verify-private'),
    });
    expect(withSalt).toMatchObject({ artifactMatches: true, promptMatches: true, outputMatches: true });
    expect(withSalt.contributions).toEqual(
      receipt.attribution.contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
    );
  });
});
