import { createProtocolClients, modelRegistryAbi, registerNode, writeAndWait } from '@tributary/protocol';
import type { TributaryClient } from '@tributary/sdk';
import { keccak256, parseEther, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { backends } from '../testing/backends.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

/**
 * Rights over content (ARCHITECTURE invariant 7): who reads a licensed datanet, and who may take
 * a contribution down. Each refusal is checked to change nothing.
 */
describe.each(backends)('rights over content ($name)', ({ databaseUrl }) => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    node = await net.startNode();
  }, 60_000);
  afterAll(() => net?.stop());

  /** A licensed datanet (owner: key 1) with one note by key 2, committed as version 1. */
  async function licensedDatanet(name: string, content: string) {
    const owner = net.client(1);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name },
      policy: { contributionMode: 'open', licence: 'licensed', licenceFee: '0' },
    });
    const item = await net.client(2).contribute({ datanetId: datanet.id, filename: 'note.txt', content });
    expect(item.status).toBe('accepted');
    await owner.commitVersion(datanet.id);
    return { datanetId: datanet.id, itemId: item.id };
  }

  const statusOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
    );

  it('a node licensed for one licensed datanet reads its content, and no other licensed datanet', async () => {
    const licensed = await licensedDatanet('Licensed field notes', 'A licensed field note.');
    const other = await licensedDatanet('Other licensed notes', 'Another licensed note.');

    // A second operator (key 8) registers a node; nothing licenses it yet.
    const operator = net.chain.keys[8]!;
    await net.giveTokens(8, parseEther('100000'));
    await registerNode({
      rpcUrl: net.chain.anvil.rpcUrl,
      addresses: net.chain.addresses,
      operatorKey: operator,
      endpoint: 'http://127.0.0.1:9',
    });
    const reader: TributaryClient = net.client(8);
    await reader.login();
    expect(await statusOf(reader.getContent(licensed.itemId))).toBe('403 NOT_LICENSED');

    // A developer (key 5) registers a model against the first datanet, served by that node.
    const developer = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[5]!,
      pollingInterval: 50,
    });
    const registered = await writeAndWait(developer, {
      address: net.chain.addresses.modelRegistry,
      abi: modelRegistryAbi,
      functionName: 'registerModel',
      args: [
        {
          node: net.chain.accounts[8]!,
          metadataHash: keccak256(toHex('licensed reader model')),
          pricing: { pricePerInputToken: 1n, pricePerOutputToken: 1n },
          split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
          artifactHash: keccak256(toHex('artifact')),
          configHash: keccak256(toHex('config')),
          datanets: [{ datanetId: BigInt(licensed.datanetId), version: 1n }],
          maxLicenceFees: 0n,
        },
      ],
    });
    await node.ctx.indexer.waitForBlock(registered.blockNumber);

    expect(await reader.getContent(licensed.itemId)).toBe('A licensed field note.');
    expect(await statusOf(reader.getContent(other.itemId))).toBe('403 NOT_LICENSED');
    // The others keep theirs: the owner and the contributor read both; a stranger neither.
    for (const { itemId } of [licensed, other]) {
      expect(await statusOf(net.client(7).getContent(itemId))).toBe('401 UNAUTHENTICATED');
      const stranger = net.client(7);
      await stranger.login();
      expect(await statusOf(stranger.getContent(itemId))).toBe('403 NOT_LICENSED');
      for (const key of [1, 2]) {
        const allowed = net.client(key);
        await allowed.login();
        expect(await statusOf(allowed.getContent(itemId))).toBe('ok');
      }
    }
  });

  it('only the contributor, the owner or a curator takes a contribution down; anyone else changes nothing', async () => {
    const owner = net.client(1);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Takedown rights' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    const [mine, theirs] = [
      await net.client(2).contribute({
        datanetId: datanet.id,
        filename: 'a.txt',
        content: 'Kept unless its contributor says.',
      }),
      await net
        .client(3)
        .contribute({ datanetId: datanet.id, filename: 'b.txt', content: 'Kept unless the owner says.' }),
    ];
    const v1 = await owner.commitVersion(datanet.id);

    // Another contributor and a stranger are refused; the item, its content and the versions stay.
    const other = net.client(3);
    const stranger = net.client(7);
    await other.login();
    await stranger.login();
    for (const requester of [other, stranger]) {
      expect(await statusOf(requester.takedown({ contributionId: mine.id }))).toBe('403 NOT_ALLOWED');
    }
    expect((await owner.getContribution(mine.id)).status).toBe('accepted');
    expect(await owner.getContent(mine.id)).toBe('Kept unless its contributor says.');
    expect((await owner.listVersions(datanet.id)).map((v) => v.version)).toEqual([v1.version]);

    // The contributor takes theirs down; the owner takes another's down.
    const contributor = net.client(2);
    await contributor.login();
    const byContributor = await contributor.takedown({ contributionId: mine.id });
    expect(byContributor.contribution.status).toBe('removed');
    const byOwner = await owner.takedown({ contributionId: theirs.id });
    expect(byOwner.contribution.status).toBe('removed');
    expect(await statusOf(owner.getContent(theirs.id))).toBe('410 CONTENT_GONE');
  });
});
