import { createProtocolClients, datanetRegistryAbi, verifyManifestProof } from '@tributary/protocol';
import { TributaryApiError } from '@tributary/sdk';
import { sha256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

/** Runs the suite on PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set. */
const backends = [
  { name: 'PGlite', databaseUrl: undefined },
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: 'PostgreSQL', databaseUrl: process.env.TEST_DATABASE_URL }]
    : []),
];

describe.each(backends)('datanets end to end on a real Anvil and node ($name)', ({ databaseUrl }) => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    await net.startNode();
  });
  afterAll(() => net?.stop());

  it('create → contribute (3 contributors) → review → commit → prove → take down → commit', async () => {
    const owner = net.client(1);
    const [alice, bob, carol] = [net.client(2), net.client(3), net.client(4)];
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Rivers of Europe', description: 'Field notes on rivers' },
      policy: { contributionMode: 'curated', licence: 'open' },
    });
    expect(datanet.owner).toBe(owner.account!.address);
    expect(datanet.curators).toContain((await owner.info()).node);
    expect(datanet.metadata).toMatchObject({ name: 'Rivers of Europe' });

    const a1 = await alice.contribute({
      datanetId: datanet.id,
      filename: 'danube.md',
      content: '# Danube\nThe Danube flows through ten countries.',
    });
    const b1 = await bob.contribute({
      datanetId: datanet.id,
      filename: 'rhine.txt',
      content: 'The Rhine rises in the Swiss Alps.',
    });
    const c1 = await carol.contribute({
      datanetId: datanet.id,
      filename: 'spam.txt',
      content: 'BUY CHEAP WATCHES',
    });
    const a2 = await alice.contribute({
      datanetId: datanet.id,
      filename: 'loire.jsonl',
      content: '{"river":"Loire","length_km":1006}\n{"river":"Seine","length_km":777}\n',
    });
    for (const c of [a1, b1, c1, a2]) expect(c.status).toBe('pending');
    expect(a1.contentHash).toBe(
      sha256(new TextEncoder().encode('# Danube\nThe Danube flows through ten countries.')),
    );

    await owner.review({ contributionId: a1.id, decision: 'accept' });
    await owner.review({ contributionId: b1.id, decision: 'accept' });
    await owner.review({ contributionId: a2.id, decision: 'accept' });
    const rejected = await owner.review({ contributionId: c1.id, decision: 'reject' });
    expect(rejected.status).toBe('rejected');
    await expect(owner.getContent(c1.id)).rejects.toMatchObject({ status: 410 });

    // Accepted contributions are attributable at once; pending or rejected ones are not.
    const quoted = 'Historians agree: the Danube flows through ten countries, more than any other river.';
    const attribution = await owner.attribute({ datanetId: datanet.id, text: quoted });
    expect(attribution.contributions.map((c) => c.contributionId)).toEqual([a1.id]);
    expect(attribution.contributions[0]!.ppm).toBe(1_000_000);
    expect(
      (await owner.attribute({ datanetId: datanet.id, text: 'BUY CHEAP WATCHES today only' })).contributions,
    ).toEqual([]);

    const v1 = await owner.commitVersion(datanet.id);
    expect(v1).toMatchObject({ version: 1, parentVersion: 0, status: 'committed', contributionCount: 3 });
    expect(v1.added.sort()).toEqual([a1.id, b1.id, a2.id].sort());
    expect(v1.author).toBe((await owner.info()).node);

    // Every contribution is provable in version 1, off-chain and by the contract.
    const { publicClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[0]!,
    });
    for (const c of [a1, b1, a2]) {
      const proof = await owner.getProof(datanet.id, 1, c.id);
      const entry = { contributionId: BigInt(c.id), contributor: c.contributor, contentHash: c.contentHash };
      expect(verifyManifestProof({ root: proof.manifestRoot, entry, proof: proof.proof })).toBe(true);
      const onChain = await publicClient.readContract({
        address: net.chain.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'verifyContribution',
        args: [BigInt(datanet.id), 1n, BigInt(c.id), c.contributor, c.contentHash, proof.proof],
      });
      expect(onChain).toBe(true);
    }
    const onChainVersion = await publicClient.readContract({
      address: net.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getVersion',
      args: [BigInt(datanet.id), 1n],
    });
    expect(onChainVersion.manifestRoot).toBe(v1.manifestRoot);
    expect(onChainVersion.manifestHash).toBe(v1.manifestHash);

    // The training snapshot is reproducible: same bytes, same hash.
    const snapshot1 = await owner.getSnapshot(datanet.id, 1);
    expect(snapshot1.trim().split('\n')).toHaveLength(3);
    expect(await owner.getSnapshot(datanet.id, 1)).toBe(snapshot1);

    // Bob takes his contribution down: content gone, new version without it, history keeps it.
    await bob.login();
    const { version: v2 } = await bob.takedown({ contributionId: b1.id });
    expect(v2).toMatchObject({ version: 2, parentVersion: 1, contributionCount: 2, removed: [b1.id] });
    expect((await owner.getContribution(b1.id)).status).toBe('removed');
    expect(
      (await owner.attribute({ datanetId: datanet.id, text: 'We know the Rhine rises in the Swiss Alps.' }))
        .contributions,
    ).toEqual([]);
    await expect(owner.getContent(b1.id)).rejects.toMatchObject({ status: 410 });
    const history = await owner.datanetHistory(datanet.id);
    expect(history.map((h) => h.kind)).toEqual(['created', 'curator', 'version', 'removed', 'version']);
    expect(history.find((h) => h.kind === 'removed')?.details).toMatchObject({
      contributionId: b1.id,
      reasonCode: 1,
    });
    const versions = await owner.listVersions(datanet.id);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await owner.getVersion(datanet.id, 1)).contributionCount).toBe(3);
    // Version 1 still proves Bob's item; its snapshot marks it removed (content deleted).
    const stillProven = await owner.getProof(datanet.id, 1, b1.id);
    expect(stillProven.manifestRoot).toBe(v1.manifestRoot);
    expect(await owner.getSnapshot(datanet.id, 1)).toContain('"removed":true');
    await expect(owner.getProof(datanet.id, 2, b1.id)).rejects.toMatchObject({ status: 404 });

    // Committing again with nothing new is refused.
    await expect(owner.commitVersion(datanet.id)).rejects.toMatchObject({
      status: 409,
      code: 'NOTHING_TO_COMMIT',
    });
  });

  it('serves licensed content only to the owner, the contributor and licensed nodes', async () => {
    const owner = net.client(5);
    const contributor = net.client(6);
    const stranger = net.client(7);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Licensed notes' },
      policy: { contributionMode: 'open', licence: 'licensed', licenceFee: '0' },
    });
    const item = await contributor.contribute({
      datanetId: datanet.id,
      filename: 'note.txt',
      content: 'A licensed note.',
    });
    expect(item.status).toBe('accepted');
    await expect(stranger.getContent(item.id)).rejects.toMatchObject({ status: 401 });
    await stranger.login();
    await expect(stranger.getContent(item.id)).rejects.toMatchObject({ status: 403, code: 'NOT_LICENSED' });
    await contributor.login();
    expect(await contributor.getContent(item.id)).toBe('A licensed note.');
    expect(await owner.getContent(item.id)).toBe('A licensed note.');
  });

  it('rejects bad input with a clear error and changes nothing', async () => {
    const owner = net.client(1);
    const user = net.client(8);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Checks' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    const before = (await owner.listContributions(datanet.id)).length;
    const status = async (promise: Promise<unknown>) => {
      try {
        await promise;
        return 'ok';
      } catch (error) {
        if (error instanceof TributaryApiError) return `${error.status} ${error.code}`;
        throw error;
      }
    };
    const { maxUploadBytes } = (await owner.info()).limits;
    expect(
      await status(
        user.contribute({
          datanetId: datanet.id,
          filename: 'big.txt',
          content: 'x'.repeat(maxUploadBytes + 1),
        }),
      ),
    ).toBe('413 TOO_LARGE');
    expect(
      await status(
        user.contribute({ datanetId: datanet.id, filename: 'image.png', content: 'not text really' }),
      ),
    ).toBe('415 UNSUPPORTED_TYPE');
    expect(
      await status(
        user.contribute({
          datanetId: datanet.id,
          filename: 'bad.txt',
          content: new Uint8Array([0x61, 0xff, 0xfe]),
        }),
      ),
    ).toBe('400 BAD_REQUEST');
    expect(
      await status(user.contribute({ datanetId: datanet.id, filename: 'bad.json', content: '{"a":' })),
    ).toBe('400 BAD_REQUEST');
    expect(
      await status(
        user.contribute({ datanetId: datanet.id, filename: 'late.txt', content: 'late', deadline: 1_000n }),
      ),
    ).toBe('401 SIGNATURE_EXPIRED');
    expect(await status(user.contribute({ datanetId: '999', filename: 'a.txt', content: 'nowhere' }))).toBe(
      '404 NOT_FOUND',
    );

    // A signature over other content is refused.
    const form = new FormData();
    form.set('file', new Blob(['tampered']), 'a.txt');
    form.set('contributor', user.account!.address);
    form.set('nonce', '1');
    form.set('deadline', String(Math.floor(Date.now() / 1000) + 600));
    form.set('signature', `0x${'11'.repeat(65)}`);
    expect(await status(user.request('POST', `/v1/datanets/${datanet.id}/contributions`, form))).toBe(
      '401 INVALID_SIGNATURE',
    );

    // The same nonce twice is a replay; the same content twice is a duplicate.
    await user.contribute({ datanetId: datanet.id, filename: 'once.txt', content: 'only once', nonce: 42n });
    expect(
      await status(
        user.contribute({ datanetId: datanet.id, filename: 'twice.txt', content: 'other text', nonce: 42n }),
      ),
    ).toBe('409 NONCE_REPLAYED');
    expect(
      await status(user.contribute({ datanetId: datanet.id, filename: 'again.txt', content: 'only once' })),
    ).toBe('409 DUPLICATE_CONTENT');

    // Only the owner or a curator reviews and commits; a missing key is 401.
    await user.login();
    const pending = await user.contribute({
      datanetId: datanet.id,
      filename: 'p.txt',
      content: 'pending maybe',
    });
    expect(await status(user.commitVersion(datanet.id))).toBe('403 NOT_CURATOR');
    expect(await status(net.client(7).commitVersion(datanet.id))).toBe('401 UNAUTHENTICATED');
    expect(
      await status(user.takedown({ contributionId: (await owner.listContributions(datanet.id))[0]!.id })),
    ).toBe('ok');
    expect(pending.status).toBe('accepted');

    expect((await owner.listContributions(datanet.id)).length).toBe(before + 2);
    expect(await status(owner.getDatanet('abc'))).toBe('400 BAD_REQUEST');
  });
});
