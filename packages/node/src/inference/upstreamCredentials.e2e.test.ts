/**
 * The operator's upstream credentials stay the operator's: a node process with OPENAI_API_KEY (and
 * OPENAI_BASE_URL, OPENAI_CUSTOM_HEADERS) in its environment, a real fake upstream that records
 * the Authorization it receives, and models naming `constructor`, `__proto__`, `toString`,
 * `hasOwnProperty` as their upstream. None reaches the upstream with the environment's key, and an
 * upstream configured without a key gets no Authorization at all.
 */
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../testing/fakeUpstream.js';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const OPERATOR_SECRET = 'sk-operator-secret-from-the-environment';

describe('upstream names and credentials (a node process with OPENAI_API_KEY set)', () => {
  let fake: FakeUpstream;
  let net: TestNetwork;
  let datanetId: string;
  let payerKey: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    net = await startTestNetwork({ config: { upstreams: { keyless: { baseURL: fake.baseURL } } } });
    await net.spawnNode({
      OPENAI_API_KEY: OPERATOR_SECRET,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_CUSTOM_HEADERS: `Authorization: Bearer ${OPERATOR_SECRET}`,
    });
    datanetId = await plantDatanet(net);
    payerKey = await fundPayer(net, 7, parseEther('10'));
  }, 150_000); // a node process, a datanet, a funded payer
  afterAll(async () => {
    await net?.stop();
    await fake?.stop();
  });

  const ask = (model: string) =>
    new OpenAI({ baseURL: `${net.url}/v1`, apiKey: payerKey, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('never calls an upstream with the environment key, whatever name a model gives', async () => {
    const outcomes: Record<string, number> = {};
    for (const [i, upstream] of ['constructor', '__proto__', 'toString', 'hasOwnProperty'].entries()) {
      const name = `sneaky-${i}`;
      try {
        await buildAndRegister(net, datanetId, 'upstream', name, { upstream, upstreamModel: 'echo:leaked' });
        // Built and served (as before the fix): a call shows where it goes.
        outcomes[upstream] = await ask(name).then(
          () => 200,
          (e: { status?: number }) => e.status ?? 0,
        );
      } catch (error) {
        outcomes[upstream] = (error as { status?: number }).status ?? 0;
      }
    }
    expect(fake.authorizations.filter((a) => a?.includes(OPERATOR_SECRET))).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(outcomes).toEqual({ constructor: 400, __proto__: 400, toString: 400, hasOwnProperty: 400 });
  });

  it('sends no credential to an upstream configured without one', async () => {
    await buildAndRegister(net, datanetId, 'upstream', 'keyless-model', {
      upstream: 'keyless',
      upstreamModel: 'echo:Fine, thanks.',
    });
    const answer = await ask('keyless-model');
    expect(answer.choices[0]!.message.content).toBe('Fine, thanks.');
    expect(fake.requests).toHaveLength(1);
    expect(fake.authorizations).toEqual([undefined]);
  }, 90_000); // a model build and registration
});
