import { tributaryTokenAbi } from '@tributary/protocol';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { registerOnChain } from '../testing/registerOnChain.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const SECRET =
  'The Quillmere cartographers charged nine silver pennies for every chart of the drowned valley, and the guild ledger of 1702 lists each buyer by name.';

describe('licences at build and serve time, and model names nobody can squat', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let free: string;
  let licensed: string;
  const fee = parseEther('5');
  const clients: Record<number, ReturnType<TestNetwork['client']>> = {};

  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    free = await plantDatanet(net);
    const owner = net.client(2);
    await owner.login(); // creates the datanet
    licensed = (
      await owner.createDatanet({
        metadata: { name: 'Licensed charts' },
        policy: { contributionMode: 'open', licence: 'licensed', licenceFee: fee.toString() },
      })
    ).id;
    await net.client(3).contribute({ datanetId: licensed, filename: 'charts.md', content: SECRET });
    await owner.commitVersion(licensed);
    await net.giveTokens(5, parseEther('100'));
    for (const i of [2, 5, 6]) {
      clients[i] = net.client(i);
      await clients[i].login();
    }
  });
  afterAll(() => net?.stop());

  const tokenBalance = (i: number) =>
    node.ctx.chain.publicClient.readContract({
      address: net.chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'balanceOf',
      args: [net.chain.accounts[i]!],
    });
  const builds = async (name: string) =>
    (await node.ctx.db.query('select 1 from model_builds where name = $1', [name])).length;

  it('refuses a build from a licensed datanet to an account that holds no licence for it', async () => {
    const developer = clients[5]!;
    for (const datanets of [
      [{ datanetId: licensed, version: 1 }],
      [
        { datanetId: free, version: 1 },
        { datanetId: licensed, version: 1 },
      ],
    ]) {
      await expect(
        developer.buildModel({ name: 'pirate', kind: 'infini-gram', datanets }),
      ).rejects.toMatchObject({
        status: 403,
        code: 'NOT_LICENSED',
      });
    }
    expect(await builds('pirate')).toBe(0);
    // Its owner may build from it.
    const own = await clients[2]!.buildModel({
      name: 'charts-own',
      kind: 'infini-gram',
      datanets: [{ datanetId: licensed, version: 1 }],
    });
    expect((await clients[2]!.waitForBuild(own.id)).status).toBe('built');
  });

  it('serves a model only if its on-chain registration names exactly the datanets its artifact holds', async () => {
    const developer = clients[5]!;
    // The licence, the way the contracts sell it: a published version naming the datanet pays its fee.
    const openBuild = await developer.waitForBuild(
      (
        await developer.buildModel({
          name: 'licence-holder',
          kind: 'infini-gram',
          datanets: [{ datanetId: free, version: 1 }],
        })
      ).id,
    );
    const ownerBefore = await tokenBalance(2);
    const holder = await registerOnChain(net, {
      node,
      developer: 5,
      artifactHash: openBuild.artifactHash!,
      configHash: openBuild.configHash!,
      datanets: [{ datanetId: licensed, version: 1 }],
    });
    expect((await tokenBalance(2)) - ownerBefore).toBe(fee);

    // Now licensed, the developer builds from both datanets but declares only the free one on-chain.
    const both = [
      { datanetId: free, version: 1 },
      { datanetId: licensed, version: 1 },
    ];
    const build = await developer.waitForBuild(
      (await developer.buildModel({ name: 'pirate', kind: 'infini-gram', datanets: both })).id,
    );
    const pirate = await registerOnChain(net, {
      node,
      developer: 5,
      artifactHash: build.artifactHash!,
      configHash: build.configHash!,
      datanets: [{ datanetId: free, version: 1 }],
    });
    expect((await tokenBalance(2)) - ownerBefore).toBe(fee); // no fee for the pirate

    const catalog = await net.client(7).catalog();
    const byId = (id: string) => catalog.find((m) => m.id === id)!;
    expect(byId(pirate).serving).toMatchObject({ state: 'refused', code: 'DATANETS_MISMATCH' });
    expect(byId(pirate).serving.reason).toContain(`built from but not registered: ${licensed}@1`);
    expect(byId(holder).serving).toMatchObject({ state: 'refused', code: 'DATANETS_MISMATCH' });

    const apiKey = await fundPayer(net, 7);
    const ask = (model: string) =>
      fetch(`${net.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, prompt: 'The Quillmere cartographers charged', max_tokens: 24 }),
      });
    for (const name of ['pirate', `model-${pirate}`]) {
      const refused = await ask(name);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: unknown }).error).toMatchObject({ code: 'MODEL_REFUSED' });
    }
    // Activity is the payer's own: read with its key.
    expect(await (await net.login(7)).activity({ payer: net.chain.accounts[7]! })).toHaveLength(0);

    // Registered honestly (the licence fee paid again, for this model), the same artifact serves.
    const honest = await registerOnChain(net, {
      node,
      developer: 5,
      artifactHash: build.artifactHash!,
      configHash: build.configHash!,
      datanets: both,
    });
    expect((await tokenBalance(2)) - ownerBefore).toBe(2n * fee);
    const served = (await net.client(7).catalog()).find((m) => m.id === honest)!;
    expect(served).toMatchObject({ name: 'pirate', serving: { state: 'ready', code: null } });
    const answer = await ask('pirate');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      choices: { text: string }[];
      attribution: { contributions: { datanet_id: string }[] };
    };
    expect(body.choices[0]!.text).toContain('nine silver pennies');
    expect(body.attribution.contributions[0]).toMatchObject({ datanet_id: licensed });
  });

  it('reserves names that read as model ids, and never lets a name capture another model', async () => {
    const squatter = clients[6]!;
    for (const name of ['1', 'model-1', 'MODEL-2', '007']) {
      await expect(
        squatter.buildModel({ name, kind: 'infini-gram', datanets: [{ datanetId: free, version: 1 }] }),
      ).rejects.toMatchObject({ status: 400 });
    }
    await expect(
      squatter.buildModel({
        name: 'pirate',
        kind: 'infini-gram',
        datanets: [{ datanetId: free, version: 1 }],
      }),
    ).rejects.toMatchObject({ status: 409, code: 'NAME_TAKEN' });
    expect(await builds('model-1')).toBe(0);

    // Ids resolve as ids, with or without the prefix; a name resolves to the model holding it.
    const catalog = await squatter.catalog();
    const honest = catalog.find((m) => m.name === 'pirate')!;
    for (const requested of [honest.id, `model-${honest.id}`, `Model-${honest.id}`, 'pirate']) {
      expect((await squatter.quote({ model: requested, prompt: 'x' })).model).toBe('pirate');
    }
    // The refused pirate answers to its id only, and is refused.
    const refused = catalog.find((m) => m.serving.state === 'refused' && m.name.startsWith('model-'))!;
    await expect(squatter.quote({ model: refused.id, prompt: 'x' })).rejects.toMatchObject({
      status: 403,
      code: 'MODEL_REFUSED',
    });
  });
});
