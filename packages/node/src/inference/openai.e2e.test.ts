import { join } from 'node:path';
import {
  createProtocolClients,
  modelRegistryAbi,
  nodeRegistryAbi,
  type Receipt,
  verifyReceipt,
} from '@tributary/protocol';
import { executeProposal } from '@tributary/protocol/testing';
import OpenAI from 'openai';
import { encodeFunctionData, type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeReceipt } from '../models/publicRebuild.js';
import type { RunningNode } from '../node.js';
import {
  buildAndRegister,
  fundPayer,
  type ModelSetup,
  PLANTED_DOCUMENTS,
  plantDatanet,
} from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

type WithAttribution = {
  attribution: {
    receipt_id: Hex;
    prompt_salt: Hex;
    contributions: { contributor: string; weight_ppm: number; amount: string }[];
    fee: string;
    spans: unknown[];
  };
};

describe('models answer with attribution, receipts and exact charges (infini-gram)', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let setup: ModelSetup;
  let apiKey: string;
  const MODEL = 'planted-ngram';

  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    const datanetId = await plantDatanet(net);
    setup = await buildAndRegister(net, datanetId, 'infini-gram', MODEL, {
      contextTokens: 512,
      maxOutputTokens: 64,
    });
    apiKey = await fundPayer(net, 7, parseEther('10'));
  });
  afterAll(() => net?.stop());

  const openai = () => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
  const receiptOf = async (id: string) => net.client(7).getReceipt(id);
  const verify = async (receipt: Receipt, signature: Hex) => {
    const { publicClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[0]!,
    });
    const expectedSigner = await publicClient.readContract({
      address: net.chain.addresses.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'signingKeyOf',
      args: [receipt.node],
    });
    return verifyReceipt({
      receipt,
      signature,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      expectedSigner,
    });
  };

  it('serves the official openai client: answer, usage, attribution to the planted source, a receipt that verifies', async () => {
    const models = await openai().models.list();
    expect(models.data.map((m) => m.id)).toContain(MODEL);

    const completion = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'The Glenmoriston kelpie survey of 1923' }],
      max_tokens: 24,
      temperature: 0,
    });
    const text = completion.choices[0]!.message.content!;
    expect(PLANTED_DOCUMENTS[0].text).toContain(text.trim().slice(0, 40));
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(24);
    const { attribution } = completion as unknown as WithAttribution;
    expect(attribution.contributions).toHaveLength(1);
    expect(attribution.contributions[0]).toMatchObject({
      contributor: net.chain.accounts[2],
      weight_ppm: 1_000_000,
    });

    const { receipt, signature } = await receiptOf(attribution.receipt_id);
    expect(receipt.fee).toBe(attribution.fee);
    const split = receipt.split;
    expect(
      BigInt(split.protocol) + BigInt(split.compute) + BigInt(split.developer) + BigInt(split.data),
    ).toBe(BigInt(receipt.fee));
    expect(BigInt(attribution.contributions[0]!.amount)).toBe(BigInt(split.data));
    expect(await verify(receipt, signature)).toMatchObject({ valid: true, problems: [] });

    // Any change to the receipt, or to the signature, is caught.
    const tampered: Receipt[] = [
      { ...receipt, fee: (BigInt(receipt.fee) + 1n).toString() },
      { ...receipt, epoch: '99' },
      { ...receipt, output: { ...receipt.output, tokens: receipt.output.tokens + 1 } },
      {
        ...receipt,
        attribution: {
          ...receipt.attribution,
          contributions: receipt.attribution.contributions.map((c) => ({
            ...c,
            contributor: net.chain.accounts[3]!,
          })),
        },
      },
      { ...receipt, model: { ...receipt.model, artifactHash: `0x${'00'.repeat(32)}` } },
    ];
    for (const bad of tampered) expect((await verify(bad, signature)).valid).toBe(false);
    const flipped =
      `${signature.slice(0, 10)}${signature[10] === 'a' ? 'b' : 'a'}${signature.slice(11)}` as Hex;
    expect((await verify(receipt, flipped)).valid).toBe(false);

    // Anyone can rebuild the model from public snapshots and recompute the attribution.
    const recomputed = await recomputeReceipt({
      nodeUrl: net.url,
      receipt,
      prompt: 'The Glenmoriston kelpie survey of 1923',
      output: text,
      promptSalt: attribution.prompt_salt,
      workDir: join(net.home, 'verify'),
    });
    expect(recomputed).toMatchObject({ artifactMatches: true, outputMatches: true });
    const full = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      recomputeAttribution: async () => recomputed.contributions,
    });
    expect(full).toMatchObject({ valid: true, problems: [] });
    const wrongAttribution = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      recomputeAttribution: async () => [{ contributionId: '2', ppm: 1_000_000 }],
    });
    expect(wrongAttribution.valid).toBe(false);
  });

  it('streams to the openai client and ends with usage and attribution', async () => {
    const stream = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Keepers of the Arnamurchan lighthouse' }],
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let last: Record<string, unknown> | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk as unknown as Record<string, unknown>;
    }
    expect(PLANTED_DOCUMENTS[1].text).toContain(text.trim().slice(0, 30));
    const { attribution } = last as unknown as WithAttribution;
    expect(attribution.contributions[0]!.contributor).toBe(net.chain.accounts[3]);
    expect((last as { usage: { completion_tokens: number } }).usage.completion_tokens).toBeGreaterThan(0);
    const { receipt, signature } = await receiptOf(attribution.receipt_id);
    expect((await verify(receipt, signature)).valid).toBe(true);
  });

  it('serves /v1/completions too, reproducibly for a seed', async () => {
    const ask = () =>
      openai().completions.create({
        model: MODEL,
        prompt: 'In the walled orchard at Pennyfold',
        max_tokens: 16,
        temperature: 0.8,
        seed: 7,
      });
    const [a, b] = [await ask(), await ask()];
    expect(a.choices[0]!.text).toBe(b.choices[0]!.text);
    expect((a as unknown as WithAttribution).attribution.contributions[0]!.contributor).toBe(
      net.chain.accounts[4],
    );
  });

  it('prices a call before it runs, and refuses with 402 and the shortfall when funds cannot cover it', async () => {
    const poor = net.client(8);
    const poorKey = await fundPayer(net, 8, 1000n);
    await poor.login();
    const quote = await poor.quote({ model: MODEL, prompt: 'The Glenmoriston', max_tokens: 10 });
    expect(BigInt(quote.maxCost)).toBeGreaterThan(1000n);
    expect(quote.covered).toBe(false);
    const client = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: poorKey, maxRetries: 0 });
    const error = await client.completions
      .create({ model: MODEL, prompt: 'The Glenmoriston', max_tokens: 10 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(402);
    expect(JSON.stringify(error.error)).toContain('shortfall');
    // Streamed too: the model may start before the reservation is refused, but nothing is sent,
    // charged or left reserved (20 at once, so refused runs overlap in the pool).
    const streamed = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        client.completions.create({ model: MODEL, prompt: 'The Glenmoriston', max_tokens: 10, stream: true }),
      ),
    );
    for (const refused of streamed) {
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason.status).toBe(402);
    }
    expect(await poor.activity({ payer: poor.account!.address })).toHaveLength(0);
    const funds = await poor.request<{ reserved: string }>(
      'GET',
      `/v1/payers/${poor.account!.address}/funds`,
    );
    expect(funds.reserved).toBe('0');
  });

  it('never overdraws under 50 concurrent calls at the edge of a balance', async () => {
    const quote = await net
      .client(6)
      .quote({ model: MODEL, prompt: 'The Glenmoriston kelpie', max_tokens: 8 });
    const maxCost = BigInt(quote.maxCost);
    const cap = maxCost * 10n + maxCost / 2n; // room for 10 calls at their maximum
    const key = await fundPayer(net, 6, parseEther('1'), cap);
    const client = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: key, maxRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        client.completions.create({ model: MODEL, prompt: 'The Glenmoriston kelpie', max_tokens: 8 }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 402,
    ).length;
    expect(ok + refused).toBe(50);
    expect(ok).toBeGreaterThanOrEqual(10);
    const activity = await (await net.login(6)).activity({ payer: net.chain.accounts[6]! });
    expect(activity).toHaveLength(ok);
    const charged = activity.reduce((sum, a) => sum + BigInt(a.fee), 0n);
    expect(charged).toBeLessThanOrEqual(cap);
    const funds = await net
      .client(6)
      .request<{ available: string; reserved: string }>('GET', `/v1/payers/${net.chain.accounts[6]}/funds`);
    expect(funds.reserved).toBe('0');
  });

  it('answers bad input with the right status and field', async () => {
    const status = async (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (e: { status?: number; error?: { code?: string; details?: string[] } }) =>
          `${e.status} ${e.error?.code ?? ''}`,
      );
    expect(await status(openai().completions.create({ model: 'no-such-model', prompt: 'x' }))).toBe(
      '404 NOT_FOUND',
    );
    const invalid = (await openai()
      .chat.completions.create({ model: MODEL, messages: [], max_tokens: 5 })
      .catch((e) => e)) as { status: number; error: { details: string[] } };
    expect(invalid.status).toBe(400);
    expect(invalid.error.details.join(' ')).toContain('messages');
    expect(await status(openai().completions.create({ model: MODEL, prompt: 'x', temperature: 7 }))).toBe(
      '400 BAD_REQUEST',
    );
    expect(await status(openai().completions.create({ model: MODEL, prompt: 'long '.repeat(600) }))).toBe(
      '400 BAD_REQUEST',
    );
    const anonymous = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: 'trib_not-a-key', maxRetries: 0 });
    expect(await status(anonymous.completions.create({ model: MODEL, prompt: 'x' }))).toBe(
      '401 INVALID_API_KEY',
    );
    const revoked = await net.client(7).login({ label: 'to revoke' });
    await fetch(`${net.url}/v1/auth/keys/current`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${revoked}` },
    });
    const withRevoked = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: revoked, maxRetries: 0 });
    expect(await status(withRevoked.completions.create({ model: MODEL, prompt: 'x' }))).toBe(
      '401 API_KEY_REVOKED',
    );
  });

  it('refuses deprecated (410) and delisted (403) models', async () => {
    const other = await buildAndRegister(net, setup.datanetId, 'infini-gram', 'to-deprecate');
    const dev = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[5]!,
      pollingInterval: 50,
    });
    await dev.publicClient.waitForTransactionReceipt({
      hash: await dev.walletClient.writeContract({
        address: net.chain.addresses.modelRegistry,
        abi: modelRegistryAbi,
        functionName: 'setStatus',
        args: [BigInt(other.model.id), 1],
      }),
    });
    await node.ctx.indexer.syncOnce();
    const gone = await openai()
      .completions.create({ model: 'to-deprecate', prompt: 'x' })
      .catch((e) => e);
    expect([gone.status, gone.error.code]).toEqual([410, 'MODEL_DEPRECATED']);

    const delisted = await buildAndRegister(net, setup.datanetId, 'infini-gram', 'to-delist');
    await executeProposal(
      net.chain,
      [
        {
          target: net.chain.addresses.modelRegistry,
          data: encodeFunctionData({
            abi: modelRegistryAbi,
            functionName: 'delist',
            args: [BigInt(delisted.model.id), `0x${'ab'.repeat(32)}`],
          }),
        },
      ],
      'Delist a model',
    );
    await node.ctx.indexer.syncOnce();
    const refused = await openai()
      .completions.create({ model: 'to-delist', prompt: 'x' })
      .catch((e) => e);
    expect([refused.status, refused.error.code]).toEqual([403, 'MODEL_DELISTED']);
  });
});
