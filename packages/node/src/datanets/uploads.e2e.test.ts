/**
 * Uploads against a real Anvil and node: everything is checked before a blob is written, the
 * filename is part of the signed message, the daily limit holds under 240 parallel uploads from
 * one wallet, and unreferenced blobs are collected.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { contributionTypes, datanetRegistryDomain, type NodeInfo } from '@tributary/protocol';
import { type Hex, sha256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { collectBlobs } from '../store/collectBlobs.js';
import { backends } from '../testing/backends.js';
import { stateFingerprint } from '../testing/stateFingerprint.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

describe.each(backends)('uploads on a real Anvil and node ($name)', ({ databaseUrl }) => {
  let net: TestNetwork;
  let node: RunningNode;
  let info: NodeInfo;
  let datanetId: string;

  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl, config: { limits: { maxContributionsPerDay: 200 } } });
    node = await net.startNode();
    info = await net.client(1).info();
    const owner = net.client(1);
    await owner.login();
    // Curated: uploads wait for review, so 240 of them are not indexed one by one.
    datanetId = (
      await owner.createDatanet({
        metadata: { name: 'Uploads' },
        policy: { contributionMode: 'curated', licence: 'open' },
      })
    ).id;
  });
  afterAll(() => net?.stop());

  /** Signs a contribution by hand (the SDK refuses bad filenames before signing). */
  const signedUpload = async (
    key: number,
    p: { signedName: string; sentName?: string; content: string; nonce: bigint },
  ) => {
    const account = privateKeyToAccount(net.chain.keys[key]!);
    const bytes = new TextEncoder().encode(p.content);
    const message = {
      datanetId: BigInt(datanetId),
      contentHash: sha256(bytes),
      filename: p.signedName,
      nonce: p.nonce,
      deadline: BigInt(Math.floor(Date.now() / 1000) + 600),
    };
    const signature = await account.signTypedData({
      domain: datanetRegistryDomain({
        chainId: info.chainId,
        verifyingContract: info.addresses.datanetRegistry,
      }),
      types: contributionTypes,
      primaryType: 'Contribution',
      message,
    });
    const form = new FormData();
    form.set('file', new Blob([bytes]), p.sentName ?? p.signedName);
    form.set('contributor', account.address);
    form.set('nonce', String(p.nonce));
    form.set('deadline', String(message.deadline));
    form.set('signature', signature);
    const response = await fetch(`${net.url}/v1/datanets/${datanetId}/contributions`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as { error?: { code: string }; filename?: string };
    return `${response.status} ${body.error?.code ?? body.filename}`;
  };

  it('checks an upload before writing its blob: bad names, types and replays leave nothing behind', async () => {
    const before = await stateFingerprint(node.ctx);
    expect(
      await signedUpload(2, { signedName: 'nul\u0000.txt', content: 'five MiB of hope', nonce: 1n }),
    ).toBe('400 BAD_REQUEST');
    expect(await signedUpload(2, { signedName: 'a\r\nb.txt', content: 'line breaks', nonce: 2n })).toBe(
      '400 BAD_REQUEST',
    );
    // NFD (e + combining accent) is not the NFC form a client must sign and send.
    expect(await signedUpload(2, { signedName: 'cafe\u0301.txt', content: 'decomposed', nonce: 3n })).toBe(
      '400 BAD_REQUEST',
    );
    expect(
      await signedUpload(2, { signedName: `${'x'.repeat(252)}.txt`, content: 'long name', nonce: 4n }),
    ).toBe('400 BAD_REQUEST');
    expect(await signedUpload(2, { signedName: 'tool.exe', content: 'MZ', nonce: 5n })).toBe(
      '415 UNSUPPORTED_TYPE',
    );
    // The filename is signed: the same signature with another name is refused.
    expect(
      await signedUpload(2, {
        signedName: 'notes.md',
        sentName: 'renamed.md',
        content: 'signed as notes',
        nonce: 6n,
      }),
    ).toBe('401 INVALID_SIGNATURE');
    expect(await stateFingerprint(node.ctx)).toEqual(before);

    expect(await signedUpload(2, { signedName: 'café.md', content: 'an NFC name is fine', nonce: 7n })).toBe(
      '201 café.md',
    );
    const stored = await stateFingerprint(node.ctx);
    expect(stored.blobs.length).toBe(before.blobs.length + 1);
    // A replayed nonce and a duplicate are refused before a blob is written.
    expect(await signedUpload(2, { signedName: 'again.md', content: 'another text', nonce: 7n })).toBe(
      '409 NONCE_REPLAYED',
    );
    expect(await signedUpload(2, { signedName: 'copy.md', content: 'an NFC name is fine', nonce: 8n })).toBe(
      '409 DUPLICATE_CONTENT',
    );
    expect((await stateFingerprint(node.ctx)).blobs).toEqual(stored.blobs);
  });

  it('holds the daily limit under 240 parallel uploads from one wallet', async () => {
    const wallet = net.client(3);
    const results = await Promise.allSettled(
      Array.from({ length: 240 }, (_, i) =>
        wallet.contribute({ datanetId, filename: `item-${i}.txt`, content: `parallel upload number ${i}` }),
      ),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 429,
    ).length;
    expect({ accepted, limited }).toEqual({ accepted: 200, limited: 40 });
    const [row] = await node.ctx.db.query<{ n: number }>(
      'select count(*)::int as n from contributions where contributor = $1',
      [net.chain.accounts[3]!.toLowerCase()],
    );
    expect(row!.n).toBe(200);
  }, 180_000); // 240 signed uploads (about a minute on a loaded 2-core machine)

  it('collects blobs nothing refers to once they are older than the grace period', async () => {
    const old = (Date.now() - 2 * 3_600_000) / 1000;
    const blobPath = (hash: string) => join(node.ctx.config.home, 'blobs', hash.slice(0, 2), hash);
    const orphan = await node.ctx.blobs.put(new TextEncoder().encode('an upload whose row never committed'));
    const young = await node.ctx.blobs.put(new TextEncoder().encode('an upload about to be committed'));
    utimesSync(blobPath(orphan), old, old);
    const [referenced] = await node.ctx.db.query<{ content_hash: string }>(
      "select content_hash from contributions where status = 'pending' limit 1",
    );
    utimesSync(blobPath(referenced!.content_hash), old, old);
    const [manifest] = await node.ctx.db.query<{ manifest_hash: string }>(
      'select manifest_hash from datanet_versions limit 1',
    );
    if (manifest) utimesSync(blobPath(manifest.manifest_hash.slice(2)), old, old);

    const result = await collectBlobs(node.ctx, { graceMs: 3_600_000 });
    expect(result.deleted).toBe(1);
    expect(await node.ctx.blobs.has(orphan)).toBe(false);
    expect(await node.ctx.blobs.has(young)).toBe(true);
    expect(await node.ctx.blobs.has(referenced!.content_hash)).toBe(true);
    expect(
      await net.client(1).getContent((await net.client(1).listContributions(datanetId))[0]!.id),
    ).toBeTruthy();
    // What is left is what something refers to, or young.
    expect((await collectBlobs(node.ctx, { graceMs: 3_600_000 })).deleted).toBe(0);
  });

  it('refuses a signature for one name over a file sent with another, through the SDK too', async () => {
    await expect(
      net.client(4).contribute({ datanetId, filename: 'bad\u0007name.txt', content: 'bell' }),
    ).rejects.toThrow(/control/);
    const ok = await net
      .client(4)
      .contribute({ datanetId, filename: 'cafe\u0301.md', content: 'normalized by the SDK' });
    expect(ok.filename).toBe('café.md');
    expect(ok.contentHash).toBe(sha256(new TextEncoder().encode('normalized by the SDK')) as Hex);
  });
});
