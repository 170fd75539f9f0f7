/**
 * The API's surface against a real Anvil and node: the OpenAPI document and reference page cover
 * every route; signed requests are documented (and /v1/info serves their EIP-712 types, enough to
 * sign without the SDK); a wrong signature names the expected type; CORS for configured origins;
 * body limits enforced while the body streams; nothing stored for unauthenticated or unsigned
 * requests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NodeInfo } from '@tributary/protocol';
import { sha256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { stateFingerprint } from '../testing/stateFingerprint.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { createApp } from './app.js';

type Doc = { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };

const APP_ORIGIN = 'http://app.example';

/** Streams `total` bytes (chunked) to `path`; returns the status and how much was sent before the answer came. */
function streamBody(url: string, path: string, total: number) {
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    let sent = 0;
    let answered = false;
    const req = httpRequest(
      { hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        answered = true;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sent }));
      },
    );
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(65_536, 0x20);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    req.write('{"model":"x","prompt":"');
    pump();
  });
}

describe('the API surface on a real Anvil and node', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let doc: Doc;
  let info: NodeInfo;

  beforeAll(async () => {
    net = await startTestNetwork({
      config: { cors: { origins: [APP_ORIGIN] }, limits: { maxMetadataPerDay: 2 } },
    });
    node = await net.startNode();
    doc = (await (await fetch(`${net.url}/openapi.json`)).json()) as Doc;
    info = (await (await fetch(`${net.url}/v1/info`)).json()) as NodeInfo;
  });
  afterAll(() => net?.stop());

  it('documents every route of the app in /openapi.json (OpenAPI 3.1), each with its body limit', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const app = createApp(node.ctx);
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)),
    );
    expect(served.size).toBeGreaterThan(40);
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) expect(op['x-body-limit-bytes']).toBeGreaterThan(0);
    }
    const upload = doc.paths['/v1/datanets/{id}/contributions']!.post!;
    expect(upload['x-eip712']).toMatchObject({
      primaryType: 'Contribution',
      domain: info.eip712.domains.datanetRegistry,
      types: { Contribution: info.eip712.types.Contribution },
    });
    expect(upload.requestBody).toMatchObject({ content: { 'multipart/form-data': {} } });
  });

  it('serves a reference page at /docs that needs nothing from elsewhere', async () => {
    const response = await fetch(`${net.url}/docs`);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const path of Object.keys(doc.paths)) expect(html).toContain(path.replaceAll('"', '&quot;'));
    expect(html).toContain('EIP-712: sign <code>CreateDatanet</code>');
  });

  it('serves the EIP-712 domains and types in /v1/info: enough to sign a contribution without the SDK', async () => {
    expect(info.eip712.requests).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/v1/auth/keys', domain: 'nodeApi', primaryType: 'ApiKeyRequest' },
        { method: 'POST', path: '/v1/datanets', domain: 'datanetRegistry', primaryType: 'CreateDatanet' },
        {
          method: 'POST',
          path: '/v1/datanets/:id/contributions',
          domain: 'datanetRegistry',
          primaryType: 'Contribution',
        },
      ]),
    );
    const owner = net.client(1);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Signed by hand' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    const contributor = privateKeyToAccount(net.chain.keys[2]!);
    const bytes = new TextEncoder().encode('Signed with the types the node published.');
    const message = {
      datanetId: BigInt(datanet.id),
      contentHash: sha256(bytes),
      filename: 'by-hand.txt',
      nonce: 7n,
      deadline: BigInt(Math.floor(Date.now() / 1000) + 600),
    };
    const sign = (types: Record<string, readonly { name: string; type: string }[]>) =>
      contributor.signTypedData({
        domain: info.eip712.domains.datanetRegistry,
        types,
        primaryType: 'Contribution',
        message,
      } as never);
    const upload = (signature: string) => {
      const form = new FormData();
      form.set('file', new Blob([bytes]), message.filename);
      form.set('contributor', contributor.address);
      form.set('nonce', String(message.nonce));
      form.set('deadline', String(message.deadline));
      form.set('signature', signature);
      return fetch(`${net.url}/v1/datanets/${datanet.id}/contributions`, { method: 'POST', body: form });
    };

    // A guessed type (no filename) is refused, and the error names the type the node expects.
    const guessed = await upload(
      await sign({ Contribution: info.eip712.types.Contribution!.filter((f) => f.name !== 'filename') }),
    );
    expect(guessed.status).toBe(401);
    const error = (await guessed.json()) as { error: { code: string; details: string[] } };
    expect(error.error.code).toBe('INVALID_SIGNATURE');
    expect(error.error.details[0]).toBe(
      'expected an EIP-712 signature of primary type Contribution(uint256 datanetId,bytes32 contentHash,string filename,uint256 nonce,uint256 deadline)',
    );
    expect(error.error.details[1]).toContain(`verifyingContract ${info.addresses.datanetRegistry}`);

    const accepted = await upload(await sign({ Contribution: info.eip712.types.Contribution! }));
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ filename: 'by-hand.txt', status: 'accepted' });
  });

  it('answers CORS preflights for configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${net.url}/v1/datanets`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const other = await preflight('http://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${net.url}/v1/datanets`, { headers: { origin: APP_ORIGIN } });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  it('refuses an oversized body while it streams, and /health keeps answering', async () => {
    const health = (async () => {
      const answers: number[] = [];
      for (let i = 0; i < 10; i++) answers.push((await fetch(`${net.url}/health`)).status);
      return answers;
    })();
    const streamed = await streamBody(net.url, '/v1/quote', 50 * 1_048_576);
    expect(streamed.status).toBe(413);
    // The node stopped reading at its 1 MiB limit: far less than 50 MB went out before the answer.
    expect(streamed.sent).toBeLessThan(16 * 1_048_576);
    expect(await health).toEqual(Array(10).fill(200));
    // A declared length over the limit is refused before anything is read.
    const declared = await fetch(`${net.url}/v1/datanets/1/attribute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(50 * 1_048_576) },
      body: new Uint8Array(64),
      duplex: 'half',
    } as RequestInit).catch((error: Error) => error);
    if (!(declared instanceof Error)) expect(declared.status).toBe(413);
    expect((await fetch(`${net.url}/health`)).status).toBe(200);
  });

  it('stores nothing for an anonymous, oversized, over-quota or unsigned request', async () => {
    const before = await stateFingerprint(node.ctx);
    const big = JSON.stringify({ name: 'big', blob: 'x'.repeat(2 * 1_048_576) });
    const post = (path: string, body: string, key?: string) =>
      fetch(`${net.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body,
      });
    expect((await post('/v1/datanets/metadata', JSON.stringify({ name: 'anonymous' }))).status).toBe(401);
    expect((await post('/v1/datanets/metadata', big)).status).toBe(413); // refused before reading
    expect(await stateFingerprint(node.ctx)).toEqual(before);
    const key = await net.client(5).login();
    const afterLogin = await stateFingerprint(node.ctx);
    expect((await post('/v1/datanets/metadata', big, key)).status).toBe(413);
    expect(await stateFingerprint(node.ctx)).toEqual(afterLogin);
    // A create whose signature does not verify stores no metadata.
    const owner = net.chain.accounts[5]!;
    const unsigned = await post(
      '/v1/datanets',
      JSON.stringify({
        owner,
        metadata: { name: 'never stored' },
        policy: { contributionMode: 'open', licence: 'open' },
        curator: info.node,
        nonce: '0',
        deadline: String(Math.floor(Date.now() / 1000) + 600),
        signature: `0x${'11'.repeat(65)}`,
      }),
    );
    expect(unsigned.status).toBe(401);
    expect(await stateFingerprint(node.ctx)).toEqual(afterLogin);
    // With a key, small documents are stored up to the account's daily quota.
    for (let i = 0; i < 2; i++)
      expect((await post('/v1/datanets/metadata', JSON.stringify({ name: `doc ${i}` }), key)).status).toBe(
        201,
      );
    const over = await post('/v1/datanets/metadata', JSON.stringify({ name: 'one too many' }), key);
    expect(over.status).toBe(429);
    expect(before.tables.datanet_metadata).not.toBe(
      (await stateFingerprint(node.ctx)).tables.datanet_metadata,
    );
  });

  it('runs the signed request of docs/api.md with curl and viem, no SDK', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const markdown = readFileSync(join(here, '..', '..', '..', '..', 'docs', 'api.md'), 'utf8');
    const blocks = [...markdown.matchAll(/```(sh|js|json)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({
      lang: lang!,
      code: code!,
    }));
    // A directory inside the package, so `viem` resolves as it would where it is installed.
    const dir = mkdtempSync(join(here, '..', '..', '.doc-steps-'));
    try {
      for (const block of blocks.filter((b) => b.lang === 'js')) {
        const name = block.code.match(/^\/\/ (\S+\.mjs)/)?.[1];
        expect(name).toBeDefined();
        writeFileSync(join(dir, name!), block.code);
      }
      const script = blocks
        .filter((b) => b.lang === 'sh')
        .map((b) => b.code)
        .join('\n');
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: dir,
        env: { ...process.env, NODE: net.url, PRIVATE_KEY: net.chain.keys[6]! },
      });
      const expected = blocks.find((b) => b.lang === 'json')!.code.trim();
      expect(JSON.parse(stdout)).toEqual(JSON.parse(expected));
      const [key] = await node.ctx.db.query<{ account: string; label: string }>(
        "select account, label from api_keys where label = 'curl'",
      );
      expect(key).toEqual({ account: net.chain.accounts[6]!.toLowerCase(), label: 'curl' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000); // bash, curl and node processes
});
