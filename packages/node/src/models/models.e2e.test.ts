import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { buildAndRegister, fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { hashArtifact } from './artifact.js';
import { checkLoadedArtifacts } from './loadServedModel.js';
import { recomputeReceipt } from './publicRebuild.js';
import { artifactDir } from './servedModels.js';
import { servingRuntime } from './servingRuntime.js';

describe('model builds, retrieval models and tampered artifacts', () => {
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

  it('detects an artifact changed after load, answers 503 while rebuilding it from the datanet versions, then serves again', async () => {
    const { model } = await buildAndRegister(net, datanetId, 'infini-gram', 'tampered');
    // Activity is the payer's own: a logged-in client.
    const payer = await net.login(7);
    const ask = () =>
      fetch(`${net.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tampered', prompt: 'The Glenmoriston', max_tokens: 5, seed: 1 }),
      });
    const served = async () => (await payer.catalog()).find((m) => m.id === model.id)!.serving;
    // Rebuilds wait while the test holds their lock, so the 503 window can be observed.
    const holdRebuilds = () => {
      let release!: () => void;
      void node.ctx.locks.run('model-rebuild', () => new Promise<void>((r) => (release = r)));
      return () => release();
    };
    const rebuilt = () => Promise.all(servingRuntime(node.ctx).rebuilding.values());
    const dir = artifactDir(node.ctx, model.artifactHash);
    const segmentPath = async () =>
      join(dir, 'index', (await readdir(join(dir, 'index'))).find((f) => f.endsWith('.tseg'))!);

    expect((await ask()).status).toBe(200); // loaded and verified
    const calls = (await payer.activity({ payer: net.chain.accounts[7]! })).length;

    // 1. A file replaced after load: the next call sees it (stat), refuses, and the node rebuilds.
    let release = holdRebuilds();
    await writeFile(await segmentPath(), 'not the registered segment');
    const refused = await ask();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MODEL_REBUILDING');
    expect(await served()).toMatchObject({ state: 'rebuilding', code: 'ARTIFACT_TAMPERED' });
    release();
    await rebuilt();
    expect(await served()).toMatchObject({ state: 'ready', code: null });
    expect(await hashArtifact(dir)).toBe(model.artifactHash);
    expect((await ask()).status).toBe(200);

    // 2. Same size, modification time set back: the change time still gives it away.
    release = holdRebuilds();
    const path = await segmentPath();
    const before = await stat(path);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(path, bytes);
    await utimes(path, before.atime, before.mtime);
    expect((await ask()).status).toBe(503);
    release();
    await rebuilt();
    expect((await ask()).status).toBe(200);

    // 3. The periodic full re-hash finds a change as well.
    release = holdRebuilds();
    await writeFile(await segmentPath(), 'changed again');
    expect(await checkLoadedArtifacts(node.ctx)).toBe(1);
    expect(await served()).toMatchObject({ state: 'rebuilding' });
    release();
    await rebuilt();
    expect((await ask()).status).toBe(200);
    // Only the answered calls were charged.
    expect(await payer.activity({ payer: net.chain.accounts[7]! })).toHaveLength(calls + 3);
  });
});
