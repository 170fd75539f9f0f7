/**
 * The recipes of docs/attribution-clients.md, run with each library against a real node: the
 * official `openai` package, the Vercel AI SDK (`ai` + `@ai-sdk/openai`) and LangChain's
 * `ChatOpenAI` read every paid answer's attribution — from its headers, its body or last chunk,
 * and the signed receipt — streamed or not.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import type { Receipt } from '@tributary/protocol';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import type { CallAttribution } from './serveCall.js';

const MODEL = 'clients-ngram';
const KELPIE = 'The Glenmoriston kelpie survey of 1923';
const LIGHTHOUSE = 'Keepers of the Arnamurchan lighthouse';

describe('attribution for every client', () => {
  let net: TestNetwork;
  let apiKey: string;
  let node: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    await net.startNode();
    node = net.url;
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'infini-gram', MODEL, { contextTokens: 512, maxOutputTokens: 64 });
    apiKey = await fundPayer(net, 7, parseEther('10'));
  });
  afterAll(() => net?.stop());

  async function receiptOf(id: string): Promise<Receipt> {
    const response = await fetch(`${node}/v1/receipts/${id}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { receipt: Receipt }).receipt;
  }

  /** The body's attribution is the signed receipt's, contribution by contribution. */
  async function expectMatchesReceipt(attribution: CallAttribution, contributor: string) {
    const receipt = await receiptOf(attribution.receipt_id);
    expect(attribution.fee).toBe(receipt.fee);
    expect(
      attribution.contributions.map((c) => [c.contribution_id, c.contributor, c.weight_ppm, c.amount]),
    ).toEqual(
      receipt.attribution.contributions.map((c) => [c.contributionId, c.contributor, c.ppm, c.amount]),
    );
    expect(attribution.contributions[0]!.contributor).toBe(contributor);
    expect(attribution.spans.length).toBeGreaterThan(0);
    return receipt;
  }

  /** The headers of a whole answer: receipt id, fee, top contributions, overhead and stages. */
  function expectAnswerHeaders(headers: (name: string) => string | null | undefined, receipt: Receipt) {
    expect(headers('x-tributary-receipt-id')).toBe(receipt.requestId);
    expect(headers('x-tributary-fee')).toBe(receipt.fee);
    const top = receipt.attribution.contributions
      .slice()
      .sort((a, b) => b.ppm - a.ppm)
      .slice(0, 5)
      .map((c) => `${c.contributionId}:${c.ppm}:${c.contributor}`)
      .join(', ');
    expect(headers('x-tributary-contributions')).toBe(top);
    expect(Number(headers('x-tributary-overhead-ms'))).toBeGreaterThan(0);
    expect(headers('server-timing')).toMatch(
      /^prepare;dur=[\d.]+, reserve;dur=[\d.]+, model;dur=[\d.]+, attribute;dur=[\d.]+, receipt;dur=[\d.]+, total;dur=[\d.]+$/,
    );
  }

  it('the openai package: headers with .withResponse(), `attribution` in the body and in the last chunk', async () => {
    const openai = new OpenAI({ baseURL: `${node}/v1`, apiKey, maxRetries: 0 });
    const { data, response } = await openai.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: KELPIE }], max_tokens: 16 })
      .withResponse();
    const { attribution } = data as typeof data & { attribution: CallAttribution };
    const receipt = await expectMatchesReceipt(attribution, net.chain.accounts[2]!);
    expectAnswerHeaders((name) => response.headers.get(name), receipt);

    const { data: stream, response: head } = await openai.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: LIGHTHOUSE }],
        max_tokens: 16,
        stream: true,
      })
      .withResponse();
    let last: unknown;
    for await (const chunk of stream) last = chunk;
    const streamed = last as { attribution: CallAttribution; tributary: { overhead_ms: number } };
    await expectMatchesReceipt(streamed.attribution, net.chain.accounts[3]!);
    expect(head.headers.get('x-tributary-receipt-id')).toBe(streamed.attribution.receipt_id);
    expect(BigInt(head.headers.get('x-tributary-max-fee')!)).toBeGreaterThanOrEqual(
      BigInt(streamed.attribution.fee),
    );
    expect(streamed.tributary.overhead_ms).toBeGreaterThan(0);
  });

  it('the Vercel AI SDK: generateText (headers and body) and streamText (headers and the last raw chunk)', async () => {
    const tributary = createOpenAI({ baseURL: `${node}/v1`, apiKey });
    const result = await generateText({
      model: tributary.chat(MODEL),
      prompt: KELPIE,
      maxOutputTokens: 16,
      include: { responseBody: true },
    });
    const { attribution } = result.response.body as { attribution: CallAttribution };
    const receipt = await expectMatchesReceipt(attribution, net.chain.accounts[2]!);
    expectAnswerHeaders((name) => result.response.headers?.[name], receipt);
    expect(result.text.length).toBeGreaterThan(0);

    const stream = streamText({
      model: tributary.chat(MODEL),
      prompt: LIGHTHOUSE,
      maxOutputTokens: 16,
      includeRawChunks: true,
    });
    let lastRaw: unknown;
    for await (const part of stream.fullStream) if (part.type === 'raw') lastRaw = part.rawValue;
    const streamed = (lastRaw as { attribution: CallAttribution }).attribution;
    await expectMatchesReceipt(streamed, net.chain.accounts[3]!);
    expect((await stream.response).headers?.['x-tributary-receipt-id']).toBe(streamed.receipt_id);
    expect((await stream.text).length).toBeGreaterThan(0);
  });

  it('LangChain ChatOpenAI: the receipt id from a fetch wrapper, then the receipt, for invoke and stream', async () => {
    const receiptIds: string[] = [];
    const llm = new ChatOpenAI({
      model: MODEL,
      apiKey,
      maxTokens: 16,
      configuration: {
        baseURL: `${node}/v1`,
        fetch: async (input: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(input, init);
          const id = response.headers.get('x-tributary-receipt-id');
          if (id) receiptIds.push(id);
          return response;
        },
      },
    });
    const message = await llm.invoke(KELPIE);
    expect(String(message.content).length).toBeGreaterThan(0);
    const invoked = await receiptOf(receiptIds.at(-1)!);
    expect(invoked.attribution.contributions.map((c) => c.contributor)).toEqual([net.chain.accounts[2]]);
    expect(invoked.output.finishReason).toMatch(/^(stop|length)$/);

    let text = '';
    for await (const chunk of await llm.stream(LIGHTHOUSE)) text += String(chunk.content);
    expect(text.length).toBeGreaterThan(0);
    expect(receiptIds).toHaveLength(2);
    const streamed = await receiptOf(receiptIds[1]!);
    expect(streamed.attribution.contributions.map((c) => c.contributor)).toEqual([net.chain.accounts[3]]);
  });
});
