/**
 * Metering of answers cut short: every output that left the node is charged by a receipt, and
 * nothing is charged that was not produced. The answers come from an upstream model that streams
 * one word at a time, far enough apart that the text a client has received is the text the node
 * sent when the client left — so the charges can be checked exactly.
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { tokenIds } from '@tributary/attribution';
import { commitText, type Receipt } from '@tributary/protocol';
import type { TributaryClient } from '@tributary/sdk';
import OpenAI from 'openai';
import { type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeReceipt } from '../models/publicRebuild.js';
import { type FakeUpstream, startFakeUpstream } from '../testing/fakeUpstream.js';
import { buildAndRegister, fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const PRICE_IN = 1_000_000_000n;
const PRICE_OUT = 3_000_000_000n;
/** The answer: planted text (29 words), so that even a cut answer is traced to its source. */
const ANSWER = PLANTED_DOCUMENTS[0].text;
const WORDS = ANSWER.split(/(?<= )/);
/** Between two words: long enough that nothing is in flight when a client hangs up (so tests here
 * are long by nature, with their own timeouts). */
const GAP_MS = 150;
const QUESTION = 'Tell me about the kelpie survey.';

describe('metering of answers cut short (the client goes away)', () => {
  let net: TestNetwork;
  let upstream: FakeUpstream;
  let apiKey: string;
  let payer: TributaryClient;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    net = await startTestNetwork({
      config: { upstreams: { default: { baseURL: upstream.baseURL, apiKey: 'k', timeoutMs: 60_000 } } },
    });
    await net.startNode();
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'upstream', 'drip', {
      upstream: 'default',
      upstreamModel: `drip:${GAP_MS}:${ANSWER}`,
    });
    await buildAndRegister(net, datanetId, 'upstream', 'late', {
      upstream: 'default',
      upstreamModel: `drip:${GAP_MS}+4000:${ANSWER}`,
    });
    apiKey = await fundPayer(net, 7, parseEther('10'));
    payer = net.client(7);
    await payer.login();
  });
  afterAll(async () => {
    await net?.stop();
    await upstream?.stop();
  });

  const openai = () => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
  const inputTokens = tokenIds({ text: `user: ${QUESTION}` }).length;
  const unsettled = async () =>
    BigInt(
      (
        await payer.request<{ unsettled: string; reserved: string }>(
          'GET',
          `/v1/payers/${net.chain.accounts[7]}/funds`,
        )
      ).unsettled,
    );
  const reserved = async () =>
    (await payer.request<{ reserved: string }>('GET', `/v1/payers/${net.chain.accounts[7]}/funds`)).reserved;

  /** The receipt and the payer's salt once the node has written it (after it notices the client left). */
  async function receiptOf(id: string): Promise<{ receipt: Receipt; salt: Hex }> {
    for (let i = 0; i < 300; i++) {
      const found = await payer.getReceipt(id).catch(() => null);
      if (found) return { receipt: found.receipt, salt: found.promptSalt! };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no receipt ${id}`);
  }

  /** The receipt charges exactly `text`: its salted commitment, its tokens, and the fee for them. */
  function expectCharged(
    { receipt, salt }: { receipt: Receipt; salt: Hex },
    text: string,
    finishReason: string,
  ) {
    const tokens = tokenIds({ text }).length;
    expect(receipt.output.finishReason).toBe(finishReason);
    expect(receipt.output.sha256).toBe(commitText(salt, text));
    expect(receipt.output.tokens).toBe(tokens);
    expect(receipt.input.tokens).toBe(inputTokens);
    expect(BigInt(receipt.fee)).toBe(PRICE_IN * BigInt(inputTokens) + PRICE_OUT * BigInt(tokens));
  }

  /**
   * The text a client kept is the answer's first words, at least the `keep` it waited for: the
   * node may send several words in one event when they arrive together (a busy machine).
   */
  function expectFirstWords(received: string, keep: number) {
    const words = received.split(/(?<= )/).length;
    expect(words).toBeGreaterThanOrEqual(keep);
    expect(words).toBeLessThan(WORDS.length);
    expect(received).toBe(WORDS.slice(0, words).join(''));
  }

  it('charges a stream the openai client aborts at 10%, 25%, 50%, 75% and 95% for exactly the text it received', async () => {
    const before = await unsettled();
    let fees = 0n;
    for (const fraction of [0.1, 0.25, 0.5, 0.75, 0.95]) {
      const keep = Math.ceil(WORDS.length * fraction);
      const { data: stream, response } = await openai()
        .chat.completions.create({
          model: 'drip',
          messages: [{ role: 'user', content: QUESTION }],
          stream: true,
        })
        .withResponse();
      const receiptId = response.headers.get('x-tributary-receipt-id')!;
      expect(receiptId).toMatch(/^0x[0-9a-f]{64}$/);
      let received = '';
      let pieces = 0;
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta?.content;
        if (!content) continue;
        received += content;
        if (++pieces >= keep) {
          stream.controller.abort();
          break;
        }
      }
      expectFirstWords(received, keep);
      const charged = await receiptOf(receiptId);
      const { receipt } = charged;
      // Exactly the text received — or, on a busy machine, also the words already in the client's
      // socket when it aborted (they left the node; the client library dropped them on abort).
      const words = received.split(/(?<= )/).length;
      const sent = Array.from({ length: WORDS.length - words }, (_, i) =>
        WORDS.slice(0, words + i).join(''),
      ).find((text) => commitText(charged.salt, text) === receipt.output.sha256);
      expect(sent?.startsWith(received)).toBe(true);
      expectCharged(charged, sent!, 'cancelled');
      // The cut answer is still attributed: its text is the kelpie document's.
      expect(receipt.attribution.method).toBe('spans');
      expect(receipt.attribution.contributions.map((c) => c.contributor)).toEqual([net.chain.accounts[2]]);
      fees += BigInt(receipt.fee);
      if (fraction === 0.5) {
        // And anyone can check it from public data, with the text the payer received.
        const recomputed = await recomputeReceipt({
          nodeUrl: net.url,
          receipt,
          prompt: QUESTION,
          output: received,
          promptSalt: charged.salt,
          workDir: join(net.home, 'verify-cut'),
        });
        expect(recomputed).toMatchObject({ artifactMatches: true, outputMatches: true });
        expect(recomputed.contributions).toEqual(
          receipt.attribution.contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
        );
      }
    }
    // The node stopped its upstream each time (seen a moment after the receipt), and charged
    // nothing beyond the five receipts.
    const hungUp = () => upstream.streams.filter((s) => s.model.startsWith('drip:')).every((s) => s.hungUp);
    for (let i = 0; i < 100 && !hungUp(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(hungUp()).toBe(true);
    expect((await unsettled()) - before).toBe(fees);
    expect(await reserved()).toBe('0');
  }, 120_000);

  it('charges raw HTTP clients that hang up mid-stream for exactly the text they read (chat and completions)', async () => {
    const before = await unsettled();
    let fees = 0n;
    for (const [path, keep] of [
      ['/v1/chat/completions', 1],
      ['/v1/chat/completions', 17],
      ['/v1/completions', 25],
    ] as const) {
      const body =
        path === '/v1/completions'
          ? { model: 'drip', prompt: QUESTION, stream: true }
          : { model: 'drip', messages: [{ role: 'user', content: QUESTION }], stream: true };
      const { received, receiptId } = await hangUpAfter(path, body, keep);
      expectFirstWords(received, keep);
      const charged = await receiptOf(receiptId);
      const { receipt } = charged;
      if (path === '/v1/completions') {
        // A completion's billed input is the prompt itself.
        expect(receipt.output.sha256).toBe(commitText(charged.salt, received));
        expect(receipt.output.finishReason).toBe('cancelled');
        const tokens = tokenIds({ text: received }).length;
        expect(receipt.output.tokens).toBe(tokens);
        expect(BigInt(receipt.fee)).toBe(
          PRICE_IN * BigInt(tokenIds({ text: QUESTION }).length) + PRICE_OUT * BigInt(tokens),
        );
      } else {
        expectCharged(charged, received, 'cancelled');
      }
      fees += BigInt(receipt.fee);
    }
    expect((await unsettled()) - before).toBe(fees);
    expect(await reserved()).toBe('0');
  }, 90_000);

  it('charges a non-streamed call whose client leaves for the text generated until then', async () => {
    const before = await payer.activity({ payer: net.chain.accounts[7]! });
    const streamsBefore = upstream.streams.length;
    await hangUpNonStreamed({ model: 'drip', messages: [{ role: 'user', content: QUESTION }] }, GAP_MS * 12);
    const activity = await waitForActivity(before.length + 1);
    const { receipt, promptSalt } = await payer.getReceipt(activity[0]!.receiptId);
    const salt = promptSalt!;
    // The node stopped its upstream (the upstream sees the hang-up a moment after the receipt).
    const record = upstream.streams[streamsBefore]!;
    for (let i = 0; i < 100 && !record.hungUp; i++) await new Promise((r) => setTimeout(r, 100));
    expect(record.hungUp).toBe(true);
    expect(record.written).toBeLessThan(WORDS.length);
    // It charges the words it had received: at most what the upstream wrote before it hung up.
    const charged = Array.from({ length: record.written }, (_, i) => record.written - i).find(
      (n) => commitText(salt, WORDS.slice(0, n).join('')) === receipt.output.sha256,
    );
    expect(charged).toBeDefined();
    expect(charged!).toBeGreaterThan(0);
    expectCharged({ receipt, salt }, WORDS.slice(0, charged).join(''), 'cancelled');
  });

  it('charges nothing when the client leaves before any text', async () => {
    const before = await payer.activity({ payer: net.chain.accounts[7]! });
    const owed = await unsettled();
    const controller = new AbortController();
    const stream = await openai().chat.completions.create(
      { model: 'late', messages: [{ role: 'user', content: QUESTION }], stream: true },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 500);
    let received = '';
    await (async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta?.content ?? '';
    })().catch(() => {}); // aborted
    expect(received).toBe('');
    // The node stops its upstream before the first word and releases the reservation.
    for (let i = 0; i < 100 && (await reserved()) !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await reserved()).toBe('0');
    expect(await payer.activity({ payer: net.chain.accounts[7]! })).toHaveLength(before.length);
    expect(await unsettled()).toBe(owed);
  });

  it('charges a stream read to the end for the whole answer', async () => {
    const { data: stream, response } = await openai()
      .chat.completions.create({
        model: 'drip',
        messages: [{ role: 'user', content: QUESTION }],
        stream: true,
      })
      .withResponse();
    let received = '';
    let last: { receipt_id?: string } | undefined;
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta?.content ?? '';
      last = chunk as unknown as { receipt_id?: string };
    }
    expect(received).toBe(ANSWER);
    expect(last?.receipt_id).toBe(response.headers.get('x-tributary-receipt-id'));
    expectCharged(await receiptOf(last!.receipt_id!), ANSWER, 'stop');
  });

  /** The payer's calls once `count` are listed and no call holds a reservation any more. */
  async function waitForActivity(count: number) {
    for (let i = 0; i < 300; i++) {
      if ((await reserved()) !== '0') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const activity = await payer.activity({ payer: net.chain.accounts[7]! });
      if (activity.length >= count) return activity;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no new receipt');
  }

  /** A raw HTTP client reading a stream's events, hanging up after `keep` text pieces. */
  function hangUpAfter(
    path: string,
    body: unknown,
    keep: number,
  ): Promise<{ received: string; receiptId: Hex }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${net.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      });
      req.on('error', () => {}); // hanging up is the point
      req.on('response', (res) => {
        const receiptId = res.headers['x-tributary-receipt-id'] as Hex;
        let buffer = '';
        let received = '';
        let pieces = 0;
        res.setEncoding('utf8');
        res.on('data', (data: string) => {
          buffer += data;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const event = buffer.slice(0, end).replace(/^data: /, '');
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (event === '[DONE]') continue;
            const choice = (
              JSON.parse(event) as { choices: { delta?: { content?: string }; text?: string }[] }
            ).choices[0];
            const piece = choice?.delta?.content ?? choice?.text ?? '';
            if (!piece) continue;
            received += piece;
            pieces++;
          }
          // At `keep` pieces it hangs up, having read whatever else already arrived with them.
          if (pieces >= keep) {
            req.destroy();
            resolve({ received, receiptId });
          }
        });
        res.on('end', () => reject(new Error(`the stream ended after ${pieces} pieces`)));
      });
      req.end(JSON.stringify(body));
    });
  }

  /** A raw HTTP client that asks for a whole answer and hangs up after `ms`. */
  function hangUpNonStreamed(body: unknown, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const req = httpRequest(`${net.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      });
      req.on('error', () => {});
      req.on('response', () => resolve()); // (not expected: the answer takes longer)
      req.end(JSON.stringify(body));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, ms);
    });
  }
});
