/**
 * Serving does not need the chain: with the node's RPC cut (refused, then silent), paid calls
 * go on and are receipted, from indexed state; routes that need the chain answer 503 with
 * Retry-After, and no response names the RPC URL, a contract or calldata. Once the chain is back,
 * the calls served meanwhile settle.
 */
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { type RpcSwitch, startRpcSwitch } from '../testing/rpcSwitch.js';
import { NODE_KEY, startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const MODEL = 'outage-ngram';

describe('a chain outage while serving', () => {
  let net: TestNetwork;
  let rpc: RpcSwitch;
  let node: RunningNode;
  let apiKey: string;
  let operatorKey: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    rpc = await startRpcSwitch(net.chain.anvil.rpcUrl);
    const first = await net.startNode({ rpcUrl: rpc.url });
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'infini-gram', MODEL, { contextTokens: 512, maxOutputTokens: 64 });
    apiKey = await fundPayer(net, 7, parseEther('10'));
    operatorKey = await net.client(NODE_KEY).login({ label: 'operator' });
    // A fresh process state: nothing the chain said is cached in memory, only what was indexed.
    await first.stop();
    node = await net.startNode({ rpcUrl: rpc.url });
  });
  afterAll(async () => {
    await net?.stop();
    await rpc?.stop();
  });

  const openai = () => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });

  /** Nothing internal in a response: not the RPC's address, not a contract, not calldata. */
  function expectNoInternals(response: string) {
    // Users' own addresses may appear (a payer's shortfall names the payer).
    const body = net.chain.accounts.reduce(
      (text, account) => text.replaceAll(account, '<account>'),
      response,
    );
    for (const url of [rpc.url, net.chain.anvil.rpcUrl]) expect(body).not.toContain(new URL(url).host);
    for (const address of Object.values(net.chain.addresses)) {
      expect(body.toLowerCase()).not.toContain(String(address).toLowerCase());
    }
    expect(body).not.toMatch(/0x[0-9a-fA-F]{8,}/);
    expect(body).not.toMatch(/eth_|calldata|Request body|Raw Call Arguments/i);
  }

  /** Paid calls of every shape, each with a stored receipt. */
  async function servePaidCalls(tag: string) {
    const chat = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'The Glenmoriston kelpie survey' }],
      max_tokens: 12,
    });
    const completion = await openai().completions.create({
      model: MODEL,
      prompt: 'Keepers of the Arnamurchan lighthouse',
      max_tokens: 12,
    });
    const stream = await openai().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'In the walled orchard at Pennyfold' }],
      max_tokens: 12,
      stream: true,
    });
    let streamed: { receipt_id?: string } = {};
    for await (const chunk of stream) streamed = chunk as unknown as { receipt_id?: string };
    const ids = [
      (chat as unknown as { receipt_id: string }).receipt_id,
      (completion as unknown as { receipt_id: string }).receipt_id,
      streamed.receipt_id!,
    ];
    for (const id of ids) {
      const response = await fetch(`${net.url}/v1/receipts/${id}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(response.status, `${tag}: receipt ${id}`).toBe(200);
    }
    return ids;
  }

  it('serves and receipts paid calls with the RPC refusing connections; chain routes answer 503 + Retry-After without internals', async () => {
    rpc.set('refused');
    const served = await servePaidCalls('refused');
    expect(new Set(served).size).toBe(3);

    // (The client retries each chain read a few times before answering: this test is long by nature.)
    const operator = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
    const needChain: [string, RequestInit][] = [
      [`/v1/accounts/${net.chain.accounts[3]}`, {}],
      [`/v1/rewards/${net.chain.accounts[2]}`, {}],
      ['/v1/protocol/totals', {}],
      ['/ready', {}],
      ['/v1/settlement/run', { method: 'POST', headers: operator, body: '{}' }],
    ];
    for (const [path, init] of needChain) {
      const response = await fetch(`${net.url}${path}`, init);
      const body = await response.text();
      expect([path, response.status]).toEqual([path, 503]);
      expect(response.headers.get('retry-after'), path).toMatch(/^\d+$/);
      expectNoInternals(body);
    }
    // A payer short on indexed funds is told so (the chain cannot be asked), without internals.
    const poorKey = await net.client(8).login({ label: 'poor' });
    const short = await fetch(`${net.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${poorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'The Glenmoriston', max_tokens: 5 }),
    });
    expect(short.status).toBe(402);
    expectNoInternals(await short.text());
  }, 120_000);

  it('serves paid calls with the RPC accepting connections and never answering', async () => {
    rpc.set('silent');
    const served = await servePaidCalls('silent');
    expect(new Set(served).size).toBe(3);
  });

  it('settles the calls served during the outage once the chain is back', async () => {
    rpc.set('up');
    // The indexer retries on its own: the node is ready again once it caught up.
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = (await fetch(`${net.url}/ready`)).status;
    }
    expect(ready).toBe(200);
    const run = await fetch(`${net.url}/v1/settlement/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(run.status).toBe(200);
    const { settled } = (await run.json()) as { settled: string[] };
    expect(settled.length).toBeGreaterThan(0);
    // The six calls served during the outage (the run tried during it closed the first epoch).
    const epochs = await node.ctx.db.query<{ receipt_count: number; status: string }>(
      'select receipt_count, status from epochs where epoch = any($1::bigint[])',
      [settled],
    );
    expect(epochs.reduce((sum, e) => sum + e.receipt_count, 0)).toBe(6);
    expect(epochs.every((e) => e.status === 'submitted' || e.status === 'settled')).toBe(true);
  });
});
