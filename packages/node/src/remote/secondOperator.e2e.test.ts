/**
 * A second operator on an existing deployment: node B (PGlite) finds the datanets node A
 * (PostgreSQL when TEST_DATABASE_URL is set) hosts through NodeRegistry, copies a version from
 * A's public manifest and snapshot (refusing tampered copies), builds the same artifact A would,
 * serves it with attribution to A's contributors, and follows A's takedowns.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS, freePort, registerNode } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import OpenAI from 'openai';
import { type Hex, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { NODE_KEY, startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { ensureVersion } from './mirrorVersion.js';

const B_KEY = ANVIL_PRIVATE_KEYS[8] as Hex;
const B_OPERATOR = privateKeyToAccount(B_KEY).address;

type Attributed = { attribution: { contributions: { contributor: string; contribution_id?: string }[] } };

/** Waits until `check` holds (the other node indexes and fetches in the background). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a second operator builds and serves from datanets another node hosts', () => {
  let net: TestNetwork;
  let a: RunningNode;
  let b: RunningNode;
  let bUrl: string;
  let datanetId: string;
  const bHome = mkdtempSync(join(tmpdir(), 'tributary-node-b-'));
  const bClient = (i: number) => createTributaryClient({ url: bUrl, account: ANVIL_PRIVATE_KEYS[i] as Hex });

  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl: process.env.TEST_DATABASE_URL });
    a = await net.startNode();
    // Each operator registers the URL it serves at: that is how the other finds it.
    await registerNode({
      rpcUrl: net.chain.anvil.rpcUrl,
      addresses: net.chain.addresses,
      operatorKey: NODE_KEY,
      endpoint: a.url,
    });
    const port = await freePort();
    bUrl = `http://127.0.0.1:${port}`;
    await net.giveTokens(B_OPERATOR, parseEther('10000'));
    await registerNode({
      rpcUrl: net.chain.anvil.rpcUrl,
      addresses: net.chain.addresses,
      operatorKey: B_KEY,
      endpoint: bUrl,
    });
    b = await net.startNode({ home: bHome, port, operatorKey: B_KEY, databaseUrl: undefined });
    datanetId = await plantDatanet(net); // on A: A relays the creation and commits version 1
  });
  afterAll(async () => {
    await net?.stop();
    rmSync(bHome, { recursive: true, force: true });
  });

  it("lists A's datanet with its metadata, fetched from A's registered endpoint and checked against the chain", async () => {
    expect(b.ctx.db.kind).toBe('pglite');
    const onA = await net.client(1).getDatanet(datanetId);
    const onB = await eventually(
      () => bClient(1).getDatanet(datanetId),
      (d) => d.metadata !== null && d.versionCount === onA.versionCount,
      "A's metadata on B",
    );
    expect(onB).toEqual(onA);
    expect(onB.metadata).toEqual({ name: 'Planted sources' });
  });

  it("builds from A's public snapshot the very artifact A builds, and serves it with attribution to A's contributors", async () => {
    const developerOnB = bClient(5);
    await developerOnB.login();
    const request = {
      name: 'planted-on-b',
      kind: 'infini-gram' as const,
      datanets: [{ datanetId, version: 1 }],
    };
    const builtOnB = await developerOnB.waitForBuild((await developerOnB.buildModel(request)).id);
    const developerOnA = net.client(5);
    await developerOnA.login();
    const builtOnA = await developerOnA.waitForBuild((await developerOnA.buildModel(request)).id);
    expect(builtOnB.artifactHash).toBe(builtOnA.artifactHash);
    expect(builtOnB.configHash).toBe(builtOnA.configHash);

    // B publishes the same snapshot (anyone can rebuild B's model from B too).
    expect(await bClient(1).getSnapshot(datanetId, 1)).toBe(await net.client(1).getSnapshot(datanetId, 1));

    await net.giveTokens(5, parseEther('100'));
    const model = await developerOnB.registerModel({
      build: builtOnB,
      pricing: { pricePerInputToken: 10n ** 9n, pricePerOutputToken: 3n * 10n ** 9n },
      split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    });
    expect(model.name).toBe('planted-on-b');
    await net.giveTokens(7, parseEther('10'));
    const payer = bClient(7);
    await payer.fundCalls({ amount: parseEther('10'), cap: parseEther('10') });
    const openai = new OpenAI({ baseURL: `${bUrl}/v1`, apiKey: await payer.login(), maxRetries: 0 });
    const completion = (await openai.chat.completions.create({
      model: 'planted-on-b',
      messages: [{ role: 'user', content: 'The Glenmoriston kelpie survey of 1923' }],
      max_tokens: 24,
      temperature: 0,
    })) as unknown as Attributed & { choices: { message: { content: string } }[] };
    expect(PLANTED_DOCUMENTS[0].text).toContain(completion.choices[0]!.message.content.trim().slice(0, 40));
    expect(completion.attribution.contributions.map((c) => c.contributor)).toEqual([net.chain.accounts[2]]);
  });

  it('refuses a copy whose manifest or texts do not match the chain, and accepts the honest host', async () => {
    // Version 2 on A (one more contribution), not yet copied by B.
    await net.client(6).contribute({
      datanetId,
      filename: 'mill.md',
      content: 'The tide mill at Eling grinds flour twice a day.',
    });
    const owner = net.client(1);
    await owner.login();
    const v2 = await owner.commitVersion(datanetId);
    await b.ctx.indexer.waitForBlock(BigInt(v2.blockNumber!));
    const ref = { datanetId, version: v2.version };
    const tampering = await tamperingProxy(a.url);
    try {
      const liar = { operator: B_OPERATOR, endpoint: tampering.url };
      tampering.mode = 'text';
      await expect(ensureVersion(b.ctx, ref, [liar])).rejects.toMatchObject({
        details: [expect.stringContaining('does not hash to its content hash')],
      });
      tampering.mode = 'manifest';
      await expect(ensureVersion(b.ctx, ref, [liar])).rejects.toMatchObject({
        details: [expect.stringContaining('does not hash to the manifestHash on-chain')],
      });
      // Nothing was kept from the liars; the registered host gives the real version.
      expect(
        await b.ctx.db.query('select 1 from remote_version_items where version = $1', [v2.version]),
      ).toEqual([]);
      expect(await ensureVersion(b.ctx, ref)).toEqual({
        kind: 'remote',
        host: { operator: privateKeyToAccount(NODE_KEY).address, endpoint: a.url },
      });
      expect(await bClient(1).getSnapshot(datanetId, 2)).toBe(await net.client(1).getSnapshot(datanetId, 2));
    } finally {
      await tampering.close();
    }
  });

  it("follows a takedown on A: B's copy of the text is deleted and its snapshot shows the item removed", async () => {
    const [kelpie] = await net.client(1).listContributions(datanetId);
    const contributor = net.client(PLANTED_DOCUMENTS[0].contributor);
    await contributor.login();
    await contributor.takedown({ contributionId: kelpie!.id });
    const line = (snapshot: string) =>
      snapshot
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { contributionId: string; removed?: boolean; text?: string })
        .find((l) => l.contributionId === kelpie!.id);
    const onB = await eventually(
      async () => line(await bClient(1).getSnapshot(datanetId, 1)),
      (l) => l?.removed === true,
      "the takedown on B's copy",
    );
    expect(onB?.text).toBeUndefined();
    expect(await b.ctx.blobs.has(kelpie!.contentHash.slice(2))).toBe(false);
  });
});

/** An HTTP server in front of a node that alters what it passes on: one text, or the manifest. */
async function tamperingProxy(target: string) {
  const state = { mode: 'text' as 'text' | 'manifest', url: '', close: () => Promise.resolve() };
  const server: Server = createServer(async (req, res) => {
    const upstream = await fetch(`${target}${req.url}`);
    let body = await upstream.text();
    if (state.mode === 'text' && req.url?.endsWith('snapshot.jsonl'))
      body = body.replace('tide mill', 'tidal mill');
    if (state.mode === 'manifest' && req.url?.endsWith('/manifest'))
      body = body.replace('"tokens":', '"tokens": ');
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
