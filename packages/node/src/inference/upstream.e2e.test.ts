import { join } from 'node:path';
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeReceipt } from '../models/publicRebuild.js';
import { type FakeUpstream, startFakeUpstream } from '../testing/fakeUpstream.js';
import { buildAndRegister, fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

describe('upstream models (an OpenAI-compatible server the test starts)', () => {
  let net: TestNetwork;
  let upstream: FakeUpstream;
  let apiKey: string;
  const copied = `Sources say ${PLANTED_DOCUMENTS[2].text.slice(0, 120)} and more.`;
  // A RAG answer that cites the orchard passage [1] but copies the lighthouse document.
  const ragQuestion = 'Which tree in the walled orchard at Pennyfold is called the Argument Tree?';
  const ragAnswer = `${PLANTED_DOCUMENTS[1].text.slice(0, 100)} [1]`;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    net = await startTestNetwork({
      config: { upstreams: { default: { baseURL: upstream.baseURL, apiKey: 'k', timeoutMs: 1500 } } },
    });
    await net.startNode();
    const datanetId = await plantDatanet(net);
    for (const [name, upstreamModel] of [
      ['tuned', `echo:${copied}`],
      ['slow', 'slow'],
      ['broken', 'broken'],
      ['garbage', 'garbage'],
      // Three words 300 ms apart: the upstream's stream ends 300 ms after its last word.
      ['dripping', `drip:300:${PLANTED_DOCUMENTS[2].text.split(' ').slice(0, 3).join(' ')}`],
    ] as const) {
      await buildAndRegister(net, datanetId, 'upstream', name, { upstream: 'default', upstreamModel });
    }
    await buildAndRegister(net, datanetId, 'retrieval', 'rag', {
      upstream: 'default',
      upstreamModel: `echo:${ragAnswer}`,
    });
    apiKey = await fundPayer(net, 7, parseEther('10'));
  });
  afterAll(async () => {
    await net?.stop();
    await upstream?.stop();
  });

  const openai = () => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });

  it('forwards, streams, meters and traces the answer to the datanet it copies', async () => {
    const plain = await openai().chat.completions.create({
      model: 'tuned',
      messages: [{ role: 'user', content: 'Tell me about pears.' }],
    });
    expect(plain.choices[0]!.message.content).toBe(copied);
    const attribution = (
      plain as unknown as { attribution: { contributions: { contributor: string }[]; spans: unknown[] } }
    ).attribution;
    expect(attribution.contributions.map((c) => c.contributor)).toEqual([net.chain.accounts[4]]);
    expect(attribution.spans.length).toBeGreaterThan(0);
    expect(plain.usage!.completion_tokens).toBeGreaterThan(10);

    const stream = await openai().chat.completions.create({
      model: 'tuned',
      messages: [{ role: 'user', content: 'Pears?' }],
      stream: true,
    });
    let text = '';
    let last: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    expect(text).toBe(copied);
    expect((last as { attribution: { contributions: unknown[] } }).attribution.contributions).toHaveLength(1);
  });

  it("counts the upstream's time, to the end of its stream, as the model's, not the node's overhead", async () => {
    const call = () =>
      openai()
        .chat.completions.create({ model: 'dripping', messages: [{ role: 'user', content: 'Pears?' }] })
        .withResponse();
    await call(); // loads the model (the first call's overhead includes that)
    const { data, response } = await call();
    expect(data.choices[0]!.message.content?.split(' ')).toHaveLength(3);
    const stages = Object.fromEntries(
      (response.headers.get('server-timing') ?? '')
        .split(', ')
        .map((stage) => [stage.split(';')[0], Number(stage.split('dur=')[1])]),
    );
    // 3 × 300 ms of upstream time, the last 300 ms after the last word (before: counted as overhead).
    expect(stages.model).toBeGreaterThanOrEqual(860);
    expect(stages.attribute).toBeGreaterThan(0);
    const overhead = Number(response.headers.get('x-tributary-overhead-ms'));
    expect(overhead).toBeCloseTo(stages.total! - stages.model!, 1);
    expect(overhead).toBeLessThan(300);
  });

  it('lets anyone recompute the attribution of upstream and RAG answers from public data', async () => {
    const payer = net.client(7);
    for (const [model, question, expected, contributors] of [
      ['tuned', 'Tell me about pears.', copied, [4]],
      ['rag', ragQuestion, ragAnswer, [3, 4]],
    ] as const) {
      const answer = await openai().chat.completions.create({
        model,
        messages: [{ role: 'user', content: question }],
      });
      const text = answer.choices[0]!.message.content!;
      expect(text).toBe(expected);
      const { attribution } = answer as unknown as {
        attribution: {
          receipt_id: string;
          prompt_salt: `0x${string}`;
          contributions: { contributor: string }[];
        };
      };
      expect(attribution.contributions.map((c) => c.contributor).sort()).toEqual(
        contributors.map((i) => net.chain.accounts[i]).sort(),
      );
      const { receipt } = await payer.getReceipt(attribution.receipt_id);
      const recomputed = await recomputeReceipt({
        nodeUrl: net.url,
        receipt,
        prompt: question,
        output: text,
        promptSalt: attribution.prompt_salt,
        workDir: join(net.home, `verify-${model}`),
      });
      expect(recomputed).toMatchObject({ artifactMatches: true, promptMatches: true, outputMatches: true });
      expect(recomputed.contributions).toEqual(
        receipt.attribution.contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
      );
    }
  });

  it('turns upstream timeouts, 5xx and malformed streams into clear errors, and charges nothing', async () => {
    const before = await (await net.login(7)).activity({ payer: net.chain.accounts[7]! });
    const outcome = async (model: string, stream: boolean) => {
      try {
        const response = await openai().chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'hi' }],
          stream,
        } as never);
        if (stream)
          for await (const _ of response as unknown as AsyncIterable<unknown>) {
          }
        return 'ok';
      } catch (error) {
        const e = error as { status?: number; error?: { code?: string }; message?: string };
        return `${e.status ?? ''} ${e.error?.code ?? e.message}`;
      }
    };
    expect(await outcome('slow', false)).toBe('504 UPSTREAM_TIMEOUT');
    expect(await outcome('broken', false)).toBe('502 UPSTREAM_ERROR');
    expect(await outcome('garbage', false)).toBe('502 UPSTREAM_MALFORMED');
    expect(await outcome('broken', true)).toMatch(/UPSTREAM_ERROR/);
    expect(await outcome('garbage', true)).toMatch(/UPSTREAM_MALFORMED/);
    const after = await (await net.login(7)).activity({ payer: net.chain.accounts[7]! });
    expect(after).toHaveLength(before.length);
    const funds = await net
      .client(7)
      .request<{ reserved: string }>('GET', `/v1/payers/${net.chain.accounts[7]}/funds`);
    expect(funds.reserved).toBe('0');
  });
});
