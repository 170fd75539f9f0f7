/**
 * A model's lineage, checked against the chain by reading the contracts directly: a model built
 * from an open and a licensed datanet, called, settled, one contribution taken down, delisted and
 * relisted by governance. Then `verifyLineage` accepts it and catches edited copies.
 */
import {
  createProtocolClients,
  datanetRegistryAbi,
  type ModelLineage,
  ModelStatus,
  modelRegistryAbi,
  verifyLineage,
  writeAndWait,
} from '@tributary/protocol';
import { executeProposal } from '@tributary/protocol/testing';
import OpenAI from 'openai';
import { encodeFunctionData, type Hex, keccak256, type PublicClient, parseEther, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../datanets/manifest.js';
import type { RunningNode } from '../node.js';
import { fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { registerOnChain } from '../testing/registerOnChain.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

describe('model lineage for auditors', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let chain: PublicClient;
  let modelId: string;
  let openId: string;
  let licensedId: string;
  let lineage: ModelLineage;
  let removedId: string;
  const fees: bigint[] = [];

  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    chain = (await createProtocolClients({ rpcUrl: net.chain.anvil.rpcUrl, account: net.chain.keys[0]! }))
      .publicClient as PublicClient;
    openId = await plantDatanet(net);
    const owner = net.client(6);
    await owner.login();
    const licensed = await owner.createDatanet({
      metadata: { name: 'Licensed tide tables' },
      policy: { contributionMode: 'open', licence: 'licensed', licenceFee: parseEther('5').toString() },
    });
    licensedId = licensed.id;
    await net.client(6).contribute({
      datanetId: licensedId,
      filename: 'tides.md',
      content: 'High water at Eling falls two hours after Southampton.',
    });
    await owner.commitVersion(licensedId);

    const developer = net.client(5);
    await developer.login();
    await net.giveTokens(5, parseEther('100'));
    // The licence the contracts sell: a published model version naming the datanet pays its fee;
    // only then may the developer build from it.
    const holder = await developer.waitForBuild(
      (
        await developer.buildModel({
          name: 'licence-holder',
          kind: 'infini-gram',
          datanets: [{ datanetId: openId, version: 1 }],
        })
      ).id,
    );
    await registerOnChain(net, {
      node,
      developer: 5,
      artifactHash: holder.artifactHash!,
      configHash: holder.configHash!,
      datanets: [{ datanetId: licensedId, version: 1 }],
    });
    const started = await developer.buildModel({
      name: 'audited',
      kind: 'infini-gram',
      datanets: [
        { datanetId: openId, version: 1 },
        { datanetId: licensedId, version: 1 },
      ],
    });
    const model = await developer.registerModel({
      build: await developer.waitForBuild(started.id),
      pricing: { pricePerInputToken: 10n ** 9n, pricePerOutputToken: 3n * 10n ** 9n },
      split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    });
    modelId = model.id;

    const openai = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: await fundPayer(net, 7), maxRetries: 0 });
    for (const doc of PLANTED_DOCUMENTS) {
      const answer = (await openai.completions.create({
        model: 'audited',
        prompt: doc.text.split(' ').slice(0, 5).join(' '),
        max_tokens: 12,
      })) as unknown as { attribution: { fee: string } };
      fees.push(BigInt(answer.attribution.fee));
    }
    const operator = net.client(9);
    await operator.login();
    await operator.runSettlement();

    const contributor = net.client(PLANTED_DOCUMENTS[1].contributor);
    await contributor.login();
    removedId = (await net.client(1).listContributions(openId)).find(
      (c) => c.filename === 'lighthouse.md',
    )!.id;
    await contributor.takedown({ contributionId: removedId, reason: 2 });

    const registry = net.chain.addresses.modelRegistry;
    const call = (functionName: 'delist' | 'relist', reason: string) => ({
      target: registry,
      data: encodeFunctionData({
        abi: modelRegistryAbi,
        functionName,
        args: [BigInt(modelId), stringToHex(reason, { size: 32 })],
      }),
    });
    await executeProposal(net.chain, [call('delist', 'audit')], 'Delist model "audited" pending an audit');
    await executeProposal(net.chain, [call('relist', 'audit passed')], 'Relist model "audited"');
    // Relisted models come back deprecated; the developer reactivates it.
    await writeAndWait(
      await createProtocolClients({ rpcUrl: net.chain.anvil.rpcUrl, account: net.chain.keys[5]! }),
      {
        address: registry,
        abi: modelRegistryAbi,
        functionName: 'setStatus',
        args: [BigInt(modelId), ModelStatus.Active],
      },
    );
    await node.ctx.indexer.waitForBlock(await chain.getBlockNumber());
    lineage = await net.client(1).lineage(modelId);
  });
  afterAll(() => net?.stop());

  it('names the artifact, configuration, developer and serving node the contracts hold', async () => {
    const version = await chain.readContract({
      address: net.chain.addresses.modelRegistry,
      abi: modelRegistryAbi,
      functionName: 'getModelVersion',
      args: [BigInt(modelId), 1],
    });
    const model = await chain.readContract({
      address: net.chain.addresses.modelRegistry,
      abi: modelRegistryAbi,
      functionName: 'getModel',
      args: [BigInt(modelId)],
    });
    expect(lineage.model).toMatchObject({
      id: modelId,
      version: 1,
      name: 'audited',
      kind: 'infini-gram',
      status: 'active',
      artifactHash: version.artifactHash,
      configHash: version.configHash,
      developer: model.developer,
    });
    expect(lineage.servingNode.operator).toBe(model.node);
    const registered = await chain.getTransactionReceipt({ hash: lineage.model.registered.txHash });
    expect(registered.status).toBe('success');
    expect(registered.blockNumber.toString()).toBe(lineage.model.registered.blockNumber);
  });

  it('lists each datanet version with the manifest root, commit transaction, contributors, licence and takedowns on-chain', async () => {
    expect(lineage.datanets.map((d) => [d.datanetId, d.version])).toEqual([
      [openId, 1],
      [licensedId, 1],
    ]);
    for (const d of lineage.datanets) {
      const onChain = await chain.readContract({
        address: net.chain.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'getVersion',
        args: [BigInt(d.datanetId), BigInt(d.version)],
      });
      expect(d.manifestRoot).toBe(onChain.manifestRoot);
      expect(d.manifestHash).toBe(onChain.manifestHash);
      const commit = await chain.getTransactionReceipt({ hash: d.committed.txHash });
      expect(commit.blockNumber.toString()).toBe(d.committed.blockNumber);
      // The contributions listed are exactly the leaves of the committed root.
      const items = d.contributions!.map((c) => ({
        id: BigInt(c.contributionId),
        contributor: c.contributor,
        contentHash: c.contentHash,
        bytes: 0,
        tokens: c.tokens,
      }));
      expect(buildManifest(d.datanetId, items).tree.root).toBe(onChain.manifestRoot);
    }
    const [open, licensed] = lineage.datanets;
    expect(open!.contributors!.map((c) => c.contributor).sort()).toEqual(
      PLANTED_DOCUMENTS.map((doc) => net.chain.accounts[doc.contributor]).sort(),
    );
    expect(open!.takedowns).toMatchObject([
      { contributionId: removedId, reasonCode: 2, reason: 'copyright' },
    ]);
    expect(open!.contributions!.find((c) => c.contributionId === removedId)!.removed).toBe(true);
    expect((await chain.getTransactionReceipt({ hash: open!.takedowns[0]!.txHash })).status).toBe('success');
    expect(licensed).toMatchObject({ licence: 'licensed', name: 'Licensed tide tables' });
    expect(licensed!.licencePaid!.fee).toBe(parseEther('5').toString());
  });

  it('records the governance decisions with the proposals that made them', () => {
    const statuses = lineage.governance.filter((g) => g.kind === 'model-status');
    expect(statuses.map((g) => g.summary)).toEqual([
      'governance set the model delisted (reason: audit)',
      'governance set the model deprecated (reason: audit passed)',
      'the developer set the model active',
    ]);
    expect(statuses.map((g) => [g.proposal?.description, g.proposal?.state])).toEqual([
      ['Delist model "audited" pending an audit', 'executed'],
      ['Relist model "audited"', 'executed'],
      [undefined, undefined],
    ]);
    expect(statuses[0]!.proposal!.calls).toEqual([
      {
        contract: 'modelRegistry',
        functionName: 'delist',
        args: [modelId, stringToHex('audit', { size: 32 })],
      },
    ]);
  });

  it('totals the calls and how their fees were paid out, settled on-chain', () => {
    const usage = lineage.usage!;
    const total = fees.reduce((a, b) => a + b, 0n);
    expect(usage.calls).toBe(PLANTED_DOCUMENTS.length);
    expect(usage.fees).toBe(total.toString());
    const { protocol, compute, developer, dataAttributed, dataPool } = usage.shares;
    expect([protocol, compute, developer, dataAttributed, dataPool].reduce((a, b) => a + BigInt(b), 0n)).toBe(
      total,
    );
    expect(usage.byEpochStatus.settled).toEqual({ calls: PLANTED_DOCUMENTS.length, fees: total.toString() });
    expect(usage.epochs).toHaveLength(1);
    expect(usage.epochs[0]!.settled).not.toBeNull();
    expect(usage.contributors.reduce((a, c) => a + BigInt(c.amount), 0n).toString()).toBe(dataAttributed);
  });

  it('verifies against the chain, and a copy with an edited root, hash or transaction does not', async () => {
    const honest = await verifyLineage({ lineage, client: chain });
    expect(honest.problems).toEqual([]);
    expect(honest.checks).toBeGreaterThan(25);

    const edited = structuredClone(lineage);
    edited.model.artifactHash = keccak256(stringToHex('another model'));
    edited.datanets[0]!.manifestRoot = edited.datanets[1]!.manifestRoot;
    edited.datanets[1]!.committed.txHash = lineage.model.registered.txHash as Hex;
    const { valid, problems } = await verifyLineage({ lineage: edited, client: chain });
    expect(valid).toBe(false);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('the artifact hash on-chain is'),
        expect.stringContaining(`datanet ${openId} version 1: the manifest root on-chain is`),
        expect.stringContaining(`datanet ${licensedId} version 1: transaction`),
      ]),
    );
  });

  it('reads as a Markdown report', async () => {
    const response = await fetch(`${net.url}/v1/models/${modelId}/lineage/report`);
    expect(response.headers.get('content-type')).toContain('text/markdown');
    const report = await response.text();
    expect(report).toContain(`# Lineage of model ${modelId} "audited", version 1`);
    expect(report).toContain(lineage.datanets[0]!.manifestRoot);
    expect(report).toContain('copyright');
    expect(report).toContain('Delist model "audited" pending an audit');
    expect(report).toContain('## How to rebuild it');
  });
});
