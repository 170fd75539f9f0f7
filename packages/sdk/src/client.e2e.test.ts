/**
 * The SDK against a real node on a real Anvil, as an app uses it: log in, create a curated
 * datanet, contribute, review, commit and prove a version, build and register a model, pay for
 * calls, check the receipt, settle, verify the epoch, claim — and the errors it raises.
 */

import { startTestNetwork, type TestNetwork } from '@tributary/node/testing';
import {
  ANVIL_PRIVATE_KEYS,
  createProtocolClients,
  freePort,
  tributaryTokenAbi,
  verifyEpoch,
  verifyManifestProof,
  verifyReceipt,
} from '@tributary/protocol';
import { increaseTime } from '@tributary/protocol/testing';
import OpenAI from 'openai';
import { type Address, type Hex, type PublicClient, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTributaryClient,
  NodeUnreachableError,
  TributaryApiError,
  type TributaryClient,
} from './index.js';

const TEXTS = {
  weirs: 'Salmon ladders beside the weirs of the river Tweed let fish climb three metres in a dozen pools.',
  fords:
    'Before the bridges, drovers crossed the Tweed at the fords of Coldstream with their cattle at low water.',
  spam: 'Buy cheap watches now!!!',
};

describe('the SDK against a node', () => {
  let net: TestNetwork;
  let owner: TributaryClient;
  let alice: TributaryClient;
  let bob: TributaryClient;
  let datanetId: string;
  let modelId: string;
  let receiptId: Hex;
  const account = (i: number) => net.chain.accounts[i]! as Address;

  beforeAll(async () => {
    net = await startTestNetwork();
    await net.startNode();
    [owner, alice, bob] = [net.client(1), net.client(2), net.client(3)];
  });
  afterAll(() => net?.stop());

  it('logs in, creates a curated datanet (relayed by the node), and reads it back', async () => {
    const key = await owner.login({ label: 'sdk-test' });
    expect(key).toMatch(/\S{20,}/);
    expect(owner.apiKey).toBe(key);
    const info = await owner.info();
    expect(info).toMatchObject({ chainId: net.chain.chainId, addresses: net.chain.addresses });
    const created = await owner.createDatanet({
      metadata: { name: 'River Tweed', description: 'notes on one river' },
      policy: { contributionMode: 'curated', licence: 'open' },
    });
    datanetId = created.id;
    expect(created).toMatchObject({
      owner: account(1),
      curators: [info.node],
      metadata: { name: 'River Tweed' },
    });
    expect(created.policy).toMatchObject({ contributionMode: 'curated', licence: 'open' });
    expect(await owner.getDatanet(datanetId)).toEqual(created);
    expect((await owner.listDatanets()).map((d) => d.id)).toContain(datanetId);
  });

  it('contributes text and bytes with signatures, and the owner reviews them', async () => {
    const weirs = await alice.contribute({ datanetId, filename: 'weirs.md', content: TEXTS.weirs });
    const fords = await bob.contribute({
      datanetId,
      filename: 'fords.md',
      content: new TextEncoder().encode(TEXTS.fords),
    });
    const spam = await bob.contribute({ datanetId, filename: 'spam.md', content: TEXTS.spam });
    expect([weirs.status, weirs.contributor, fords.contributor]).toEqual(['pending', account(2), account(3)]);
    expect((await owner.listContributions(datanetId, 'pending')).map((c) => c.id)).toEqual([
      weirs.id,
      fords.id,
      spam.id,
    ]);

    expect((await owner.review({ contributionId: weirs.id, decision: 'accept' })).status).toBe('accepted');
    expect((await owner.review({ contributionId: fords.id, decision: 'accept' })).status).toBe('accepted');
    expect((await owner.review({ contributionId: spam.id, decision: 'reject' })).status).toBe('rejected');
    expect(await owner.getContent(fords.id)).toBe(TEXTS.fords);
    expect((await owner.getContribution(spam.id)).status).toBe('rejected');
    // A stranger may not review.
    await bob.login();
    await expect(bob.review({ contributionId: spam.id, decision: 'accept' })).rejects.toMatchObject({
      status: 403,
      code: 'NOT_CURATOR',
    });
  });

  it('commits a version whose Merkle proofs check against the root, with a reproducible snapshot and history', async () => {
    const version = await owner.commitVersion(datanetId);
    expect(version).toMatchObject({ version: 1, status: 'committed', contributionCount: 2 });
    expect(await owner.listVersions(datanetId)).toEqual([await owner.getVersion(datanetId, 1)]);
    const [weirs] = await owner.listContributions(datanetId, 'accepted');
    const proof = await owner.getProof(datanetId, 1, weirs!.id);
    expect(
      verifyManifestProof({
        root: version.manifestRoot,
        entry: {
          contributionId: BigInt(proof.leaf.contributionId),
          contributor: proof.leaf.contributor,
          contentHash: proof.leaf.contentHash,
        },
        proof: proof.proof,
      }),
    ).toBe(true);
    const snapshot = await owner.getSnapshot(datanetId, 1);
    expect(
      snapshot
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual([TEXTS.weirs, TEXTS.fords]);
    expect((await owner.datanetHistory(datanetId)).map((h) => h.kind)).toEqual([
      'created',
      'curator',
      'version',
    ]);
    const attribution = await owner.attribute({
      datanetId,
      text: 'drovers crossed the Tweed at the fords of Coldstream',
    });
    expect(attribution.contributors.map((c) => [c.contributor.toLowerCase(), c.ppm])).toEqual([
      [account(3).toLowerCase(), 1_000_000],
    ]);
  });

  it('builds and registers a model, funds calls, and gets receipts that verify', async () => {
    const developer = net.client(5);
    await developer.login();
    const build = await developer.waitForBuild(
      (
        await developer.buildModel({
          name: 'tweed',
          kind: 'infini-gram',
          datanets: [{ datanetId, version: 1 }],
        })
      ).id,
    );
    expect(build).toMatchObject({ status: 'built', artifactHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const model = await developer.registerModel({
      build,
      pricing: { pricePerInputToken: 10n ** 9n, pricePerOutputToken: 3n * 10n ** 9n },
      split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    });
    modelId = model.id;
    expect((await developer.catalog()).map((m) => m.name)).toEqual(['tweed']);

    await net.giveTokens(7, parseEther('10'));
    const payer = net.client(7);
    await payer.fundCalls({ amount: parseEther('10'), cap: parseEther('10') });
    const apiKey = await payer.login();
    // The node sees the deposit once it indexes the block: until then the call is not covered.
    const quoted = async () => payer.quote({ model: 'tweed', prompt: 'Salmon ladders', max_tokens: 16 });
    let quote = await quoted();
    while (!quote.covered) quote = await new Promise((r) => setTimeout(r, 100)).then(quoted);
    expect(quote).toMatchObject({ model: 'tweed', covered: true, available: parseEther('10').toString() });
    const openai = new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
    const answer = (await openai.completions.create({
      model: 'tweed',
      prompt: 'Salmon ladders beside',
      max_tokens: 12,
    })) as unknown as {
      attribution: { receipt_id: Hex };
    };
    receiptId = answer.attribution.receipt_id;
    const { receipt, signature } = await payer.getReceipt(receiptId);
    expect(receipt.payer).toBe(account(7));
    const info = await payer.info();
    const checked = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: info.addresses.rewardDistributor,
      expectedSigner: info.signer,
    });
    expect(checked).toMatchObject({ valid: true, problems: [] });
    expect((await payer.activity({ payer: account(7) })).map((a) => a.receiptId)).toEqual([receiptId]);
    expect((await payer.lineage(modelId)).usage).toMatchObject({ calls: 1 });
  });

  it('settles the epoch, whose published data verifies, and a contributor claims its earnings', async () => {
    const operator = net.client(9);
    await operator.login();
    const { settled } = await operator.runSettlement();
    expect(settled).toEqual(['1']);
    const data = await operator.epochData(1n);
    const info = await operator.info();
    const epoch = await verifyEpoch({
      data,
      rewardDistributor: info.addresses.rewardDistributor,
      expectedSigner: info.signer,
      previous: null, // the node's first epoch
    });
    expect(epoch).toMatchObject({ valid: true, problems: [] });

    const clients = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: ANVIL_PRIVATE_KEYS[0],
    });
    await increaseTime(clients.publicClient as PublicClient, 3_600);
    // The node sees the window pass on its next indexed block.
    await net.giveTokens(8, 1n);
    const earned = await (async () => {
      for (let i = 0; i < 100; i++) {
        const view = await alice.rewards(account(2));
        if (view.claimable) return BigInt(view.claimable.amount);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('nothing became claimable');
    })();
    expect(earned).toBeGreaterThan(0n);
    const balance = () =>
      clients.publicClient.readContract({
        address: info.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [account(2)],
      });
    const before = await balance();
    expect(await alice.claimRewards()).toBe(earned);
    expect((await balance()) - before).toBe(earned);
  });

  it('takes a contribution down, and raises errors that name the code, status and URL', async () => {
    const [weirs] = await owner.listContributions(datanetId, 'accepted');
    await alice.login();
    const { contribution, version } = await alice.takedown({ contributionId: weirs!.id });
    expect(contribution.status).toBe('removed');
    expect(version).toMatchObject({ version: 2, removed: [weirs!.id] });

    const missing = await owner.getDatanet('999').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TributaryApiError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', url: `${net.url}/v1/datanets/999` });

    const dead = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await createTributaryClient({ url: dead })
      .listDatanets()
      .catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(NodeUnreachableError);
    expect(unreachable).toMatchObject({ code: 'NODE_UNREACHABLE', url: `${dead}/v1/datanets` });
    expect((unreachable as Error).message).toBe(`could not reach ${dead}/v1/datanets`);

    await expect(createTributaryClient({ url: net.url }).login()).rejects.toThrow(
      'this action needs a wallet',
    );
    const replay = createTributaryClient({ url: net.url, account: ANVIL_PRIVATE_KEYS[4] as Hex });
    await replay.contribute({ datanetId, filename: 'a.md', content: 'First.', nonce: 42n });
    await expect(
      replay.contribute({ datanetId, filename: 'b.md', content: 'Second.', nonce: 42n }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });
});
