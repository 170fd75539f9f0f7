import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { buildAndRegister, fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { recomputeReceipt } from './publicRebuild.js';
import { artifactDir } from './servedModels.js';

describe('model builds, retrieval models and tamper evidence', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let datanetId: string;
  let apiKey: string;
  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    datanetId = await plantDatanet(net);
    apiKey = await fundPayer(net, 7, parseEther('10'));
  });
  afterAll(() => net?.stop());
  const openai = () => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });

  it('builds reproducibly: the same datanet versions give the same artifact hash', async () => {
    const developer = net.client(5);
    await developer.login();
    const builds = [];
    for (let i = 0; i < 2; i++) {
      const started = await developer.buildModel({
        name: 'repro',
        kind: 'infini-gram',
        datanets: [{ datanetId, version: 1 }],
      });
      expect(['queued', 'running', 'built']).toContain(started.status);
      builds.push(await developer.waitForBuild(started.id));
    }
    expect(builds[0]!.artifactHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(builds[1]!.artifactHash).toBe(builds[0]!.artifactHash);
    expect(builds[0]!.progress).toEqual({ documentsDone: 3, documentsTotal: 3 });
    const failed = await developer.buildModel({
      name: 'nothing',
      kind: 'infini-gram',
      datanets: [{ datanetId, version: 9 }],
    });
    await expect(developer.waitForBuild(failed.id)).rejects.toMatchObject({ code: 'BUILD_FAILED' });
  });

  it('answers questions from retrieved passages with citations, attributed to their contributors', async () => {
    await buildAndRegister(net, datanetId, 'retrieval', 'planted-search', { passages: 2 });
    const question = 'How many hours of fog did the lighthouse log book record in November?';
    const answer = await openai().chat.completions.create({
      model: 'planted-search',
      messages: [{ role: 'user', content: question }],
    });
    const text = answer.choices[0]!.message.content!;
    expect(text).toContain('four hundred and six hours of fog');
    expect(text).toMatch(/\[1\]/);
    const { receipt_id, prompt_salt, contributions } = (
      answer as unknown as {
        attribution: {
          receipt_id: string;
          prompt_salt: `0x${string}`;
          contributions: { contributor: string; weight_ppm: number }[];
        };
      }
    ).attribution;
    // The lighthouse document's contributor.
    expect(contributions[0]!.contributor).toBe(net.chain.accounts[PLANTED_DOCUMENTS[1].contributor]);
    expect(contributions.reduce((s, c) => s + c.weight_ppm, 0)).toBe(1_000_000);

    // Anyone can rebuild the retrieval model from public snapshots and get the same weights.
    const { receipt } = await net.client(7).getReceipt(receipt_id);
    const recomputed = await recomputeReceipt({
      nodeUrl: net.url,
      receipt,
      prompt: question,
      output: text,
      promptSalt: prompt_salt,
      workDir: join(net.home, 'verify-retrieval'),
    });
    expect(recomputed).toMatchObject({ artifactMatches: true, promptMatches: true, outputMatches: true });
    expect(recomputed.contributions).toEqual(
      receipt.attribution.contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
    );
  });

  it('refuses to serve an artifact whose files no longer match the registered hash', async () => {
    const { model } = await buildAndRegister(net, datanetId, 'infini-gram', 'tampered');
    const seven = await net.login(7);
    const before = (await seven.activity({ payer: net.chain.accounts[7]! })).length;
    const dir = artifactDir(node.ctx, model.artifactHash);
    const segment = (await readdir(join(dir, 'index'))).find((f) => f.endsWith('.tseg'))!;
    await writeFile(join(dir, 'index', segment), 'not the registered segment');
    const error = await openai()
      .completions.create({ model: 'tampered', prompt: 'The Glenmoriston', max_tokens: 5 })
      .catch((e) => e);
    expect([error.status, error.error.code]).toEqual([503, 'ARTIFACT_TAMPERED']);
    expect(await seven.activity({ payer: net.chain.accounts[7]! })).toHaveLength(before);
  });
});
