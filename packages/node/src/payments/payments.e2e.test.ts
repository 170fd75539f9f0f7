import { tokenIds } from '@tributary/attribution';
import {
  createProtocolClients,
  freePort,
  nodeRegistryAbi,
  paymentEscrowAbi,
  verifyReceipt,
  writeAndWait,
} from '@tributary/protocol';
import OpenAI from 'openai';
import { type Address, type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { backends, postgresOnly } from '../testing/backends.js';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

/**
 * Money at the edge of a call: what a receipt charges, when an authorization stops paying, and
 * that concurrent calls (on one node process or two sharing a database) never spend past a cap.
 */
const MODEL = 'pay-ngram';
const PRICE_IN = 1_000_000_000n;
const PRICE_OUT = 3_000_000_000n;
const PROMPT = 'The Glenmoriston kelpie survey of 1923';

type WithAttribution = { attribution: { receipt_id: Hex; fee: string; prompt_salt: Hex } };
type Funds = { authorized: string; expiry: string; unsettled: string; reserved: string; available: string };

const openai = (net: TestNetwork, apiKey: string, url = net.url) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
const fundsOf = (net: TestNetwork, payer: Address) =>
  net.client(0).request<Funds>('GET', `/v1/payers/${payer}/funds`);

/** The quoted maximum of one small call, and a cap with room for `calls` of them and a half. */
async function capForCalls(net: TestNetwork, calls: bigint) {
  const quote = await net.client(0).quote({ model: MODEL, prompt: PROMPT, max_tokens: 8 });
  const maxCost = BigInt(quote.maxCost);
  return maxCost * calls + maxCost / 2n;
}

/** Fires `count` concurrent calls, spread over `urls`; returns how many were served and how many refused (402). */
async function burst(net: TestNetwork, apiKey: string, urls: string[], count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      openai(net, apiKey, urls[i % urls.length]).completions.create({
        model: MODEL,
        prompt: PROMPT,
        max_tokens: 8,
      }),
    ),
  );
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter(
    (r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 402,
  ).length;
  return { ok, refused };
}

/** What the node charged `payer`: the sum of its receipts' fees. */
async function charged(net: TestNetwork, payer: Address) {
  // A payer's activity is its own: read with its key.
  const own = await net.login(net.chain.keys[net.chain.accounts.indexOf(payer)]!);
  const activity = await own.activity({ payer });
  return { calls: activity.length, total: activity.reduce((sum, a) => sum + BigInt(a.fee), 0n) };
}

describe.each(backends)('payments at the edge of a call ($name)', ({ databaseUrl }) => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    node = await net.startNode();
    const datanetId = await plantDatanet(net);
    await buildAndRegister(
      net,
      datanetId,
      'infini-gram',
      MODEL,
      { maxOutputTokens: 64 },
      {
        pricePerInputToken: PRICE_IN,
        pricePerOutputToken: PRICE_OUT,
      },
    );
  }, 60_000);
  afterAll(() => net?.stop());

  it('charges the tokens the answer holds, not the most the call allowed, and the receipt recounts', async () => {
    const payer = net.chain.accounts[7]!;
    const apiKey = await fundPayer(net, 7);
    const completion = await openai(net, apiKey).completions.create({
      model: MODEL,
      prompt: PROMPT,
      max_tokens: 64,
      temperature: 0,
      stop: ['.'],
    });
    const text = completion.choices[0]!.text;
    const count = (t: string) => tokenIds({ text: t }).length;
    const [inputTokens, outputTokens] = [count(PROMPT), count(text)];
    expect(outputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeLessThan(64); // the answer stopped early: a bill of 64 would overcharge
    expect(completion.usage).toMatchObject({ prompt_tokens: inputTokens, completion_tokens: outputTokens });

    const { attribution } = completion as unknown as WithAttribution;
    const fee = PRICE_IN * BigInt(inputTokens) + PRICE_OUT * BigInt(outputTokens);
    expect(attribution.fee).toBe(fee.toString());
    const { receipt, signature } = await net.client(7).getReceipt(attribution.receipt_id);
    expect([receipt.input.tokens, receipt.output.tokens, receipt.fee]).toEqual([
      inputTokens,
      outputTokens,
      fee.toString(),
    ]);
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
    const verified = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      expectedSigner,
      texts: { input: PROMPT, output: text, countTokens: count, salt: attribution.prompt_salt },
    });
    expect(verified.problems).toEqual([]);
    // The payer owes exactly that fee until settlement, and nothing stays reserved.
    expect(await fundsOf(net, payer)).toMatchObject({ unsettled: fee.toString(), reserved: '0' });
  });

  it('stops serving a payer once its authorization of the node has expired', async () => {
    const payer = net.chain.accounts[6]!;
    const apiKey = await fundPayer(net, 6);
    const ask = () =>
      openai(net, apiKey).completions.create({
        model: MODEL,
        prompt: 'Keepers of the Arnamurchan',
        max_tokens: 8,
      });
    await ask(); // served while the authorization lasts

    // The payer revokes: the authorization now expires at the revoke's block time.
    const wallet = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[6]!,
      pollingInterval: 50,
    });
    const escrow = { address: net.chain.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
    const revoked = await writeAndWait(wallet, {
      ...escrow,
      functionName: 'revoke',
      args: [node.ctx.chain.operator.address],
    });
    await node.ctx.indexer.waitForBlock(revoked.blockNumber);
    const { expiry, remaining } = await wallet.publicClient.readContract({
      ...escrow,
      functionName: 'authorizationOf',
      args: [payer, node.ctx.chain.operator.address],
    });
    expect(remaining).toBeGreaterThan(0n); // the cap is untouched: only the expiry stops it
    // The node judges expiry by its clock; wait for that clock to pass the block's time (a second at most, usually).
    const wait = Number(expiry) * 1000 + 50 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

    const before = await charged(net, payer);
    const refused = (await ask().catch((error) => error)) as {
      status?: number;
      error?: { details?: string[] };
    };
    expect(refused.status).toBe(402);
    expect(refused.error?.details?.join('\n')).toContain('authorized for this node 0');
    expect(await charged(net, payer)).toEqual(before);
    expect(await fundsOf(net, payer)).toMatchObject({
      authorized: '0',
      expiry: String(expiry),
      available: '0',
    });
  });

  it('never spends past the cap under 50 concurrent calls at its edge', async () => {
    const payer = net.chain.accounts[8]!;
    const cap = await capForCalls(net, 10n);
    const apiKey = await fundPayer(net, 8, parseEther('1'), cap);
    const { ok, refused } = await burst(net, apiKey, [net.url], 50);
    expect(ok + refused).toBe(50);
    expect(ok).toBeGreaterThanOrEqual(10);
    const { calls, total } = await charged(net, payer);
    expect(calls).toBe(ok);
    expect(total).toBeLessThanOrEqual(cap);
    expect((await fundsOf(net, payer)).reserved).toBe('0');
  });
});

describe.each(postgresOnly)('two node processes sharing one $name database', ({ databaseUrl }) => {
  let net: TestNetwork;
  let urls: string[];
  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    // Each reservation batch holds 150 ms between reading the payer's funds and recording what
    // it grants, so batches of the two processes overlap for sure: only the database lock keeps
    // the second from granting from the same funds.
    const pause = { TRIBUTARY_PAUSE_AT: 'reservations:funds-read:150' };
    const first = await net.spawnNode(pause);
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'infini-gram', MODEL);
    const second = await net.spawnNode({ ...pause, PORT: String(await freePort()) });
    urls = [first.url, second.url];
  }, 90_000);
  afterAll(() => net?.stop());

  it('serve one call, not two, to payers with room for one, however the calls race between them', async () => {
    // Each payer fires ten calls at once, half at each process: without a lock both processes
    // would see room for the call and both reserve it.
    for (const i of [7, 8, 0]) {
      const payer = net.chain.accounts[i]!;
      const cap = await capForCalls(net, 1n);
      const apiKey = await fundPayer(net, i, parseEther('1'), cap);
      const { ok, refused } = await burst(net, apiKey, urls, 10);
      expect([ok, refused], `payer ${i}`).toEqual([1, 9]);
      expect((await charged(net, payer)).total).toBeLessThanOrEqual(cap);
    }
  });

  it('never overdraw a payer together', async () => {
    const payer = net.chain.accounts[6]!;
    const cap = await capForCalls(net, 10n);
    const apiKey = await fundPayer(net, 6, parseEther('1'), cap);
    // One call through each process first, so both hold spending of this payer when the race
    // starts (which process wins a race is up to the scheduler): the cap must then hold across
    // the two, not within one.
    let ok = 0;
    for (const url of urls) {
      const first = await burst(net, apiKey, [url], 1);
      expect(first.ok, `first call through ${url}`).toBe(1);
      ok += first.ok;
    }
    const race = await burst(net, apiKey, urls, 58);
    expect(race.ok + race.refused).toBe(58);
    ok += race.ok;
    expect(ok).toBeGreaterThanOrEqual(10);
    const { calls, total } = await charged(net, payer);
    expect(calls).toBe(ok);
    expect(total).toBeLessThanOrEqual(cap);
  });
});
