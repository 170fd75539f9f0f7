/**
 * Every route of the API, fuzzed from its own declaration (the OpenAPI document the registry
 * generates): valid-looking and malformed parameters, queries and bodies, with and without keys.
 * Whatever arrives, the node answers no 5xx but 503, every error has the stable shape
 * `{ error: { code, message, details } }`, a refused request changes nothing (tables and blobs),
 * and every success matches the route's declared response schema. FUZZ_DEBUG=1 prints the
 * statuses per route (to see how deep the generated requests get).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { backends } from '../testing/backends.js';
import { fromSchema, NASTY_STRINGS } from '../testing/schemaArbitrary.js';
import { stateFingerprint } from '../testing/stateFingerprint.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { apiRoutes } from './registry.js';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { name: string; in: 'path' | 'query'; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

// Runs per route: PGlite in depth, PostgreSQL (same engine, other driver) lighter.
const databases = backends.map((b) => ({ ...b, runs: b.databaseUrl ? 10 : 30 }));

type FuzzRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
};

/** Percent-encodes a path segment; a value that is already an escape (`%00`) goes as it is. */
const segment = (value: string) => {
  if (/^%[0-9A-Za-z]{2}$/.test(value)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as its (invalid) UTF-8 bytes
  }
};

const garbageBodies: (string | Uint8Array)[] = [
  '',
  '{',
  'null',
  '[]',
  '"a string"',
  '[[[[[[[[[[',
  '['.repeat(5_000) + ']'.repeat(5_000),
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  JSON.stringify({ name: 'a\u0000b', label: 'x\u0000', text: '\u0000' }),
];

/** A multipart body with the given fields and file name; `boundary: false` leaves it out of the header. */
function multipart(
  fields: Record<string, unknown>,
  filename: string,
  content: string,
  boundary: boolean,
): { body: Uint8Array; contentType: string } {
  const mark = `fuzz${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${mark}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`,
  );
  parts.push(
    `--${mark}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${mark}--\r\n`,
  );
  return {
    body: new TextEncoder().encode(parts.join('')),
    contentType: boundary ? `multipart/form-data; boundary=${mark}` : 'multipart/form-data',
  };
}

describe.each(databases)('every route, fuzzed from its schema ($name)', ({ databaseUrl, runs }) => {
  let net: TestNetwork;
  let node: RunningNode;
  let doc: Doc;
  let key: string;
  let revocableKey: string;
  const known: Record<string, string[]> = {};

  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    node = await net.startNode();
    // Something to find: a datanet with a contribution in a committed version.
    const owner = net.client(1);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Fuzzed' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    const contribution = await net
      .client(2)
      .contribute({ datanetId: datanet.id, filename: 'a.txt', content: 'Rivers run to the sea.' });
    await owner.commitVersion(datanet.id);
    // A key of an account that owns nothing (its successful requests cannot change others' state).
    key = await net.client(3).login();
    revocableKey = await net.client(4).login();
    known.id = [datanet.id, contribution.id, '1'];
    known.contributionId = [contribution.id];
    known.version = ['1'];
    known.address = [net.chain.accounts[2]!, net.chain.accounts[3]!];
    known.epoch = ['1'];
    doc = (await (await fetch(`${net.url}/openapi.json`)).json()) as Doc;
  });
  afterAll(() => net?.stop());

  const requestArbitrary = (path: string, method: string, op: Operation): fc.Arbitrary<FuzzRequest> => {
    const components = doc.components.schemas;
    const value = (name: string, schema: Schema) =>
      fc.oneof(
        fromSchema(schema, components, 0).map(String),
        fc.constantFrom(...(known[name] ?? ['1'])),
        fc.constantFrom(...NASTY_STRINGS),
        fc.string({ unit: 'binary', maxLength: 30 }),
      );
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
    const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
    const pathArb = fc.tuple(...pathParams.map((p) => value(p.name, p.schema))).map((values) => {
      let url = path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, segment(values[i]!));
      });
      return url;
    });
    const queryArb = fc
      .tuple(...queryParams.map((p) => fc.option(value(p.name, p.schema), { nil: undefined })))
      .map((values) =>
        queryParams
          .map((p, i) => (values[i] === undefined ? '' : `${p.name}=${segment(values[i]!)}`))
          .filter(Boolean)
          .join('&'),
      );
    const authArb = fc.constantFrom<string | undefined>(
      undefined,
      `Bearer ${path === '/v1/auth/keys/current' ? revocableKey : key}`,
      `Bearer ${path === '/v1/auth/keys/current' ? revocableKey : key}`,
      'Bearer trib_not-a-key',
      'Basic dXNlcjpwYXNz',
    );
    const content = op.requestBody?.content ?? {};
    let bodyArb: fc.Arbitrary<{ body?: Uint8Array | string; contentType?: string }>;
    if (content['application/json']) {
      const schema = content['application/json'].schema;
      bodyArb = fc.oneof(
        {
          arbitrary: fromSchema(schema, components, 0.15).map((v) => ({
            body: JSON.stringify(v) ?? 'null',
            contentType: 'application/json',
          })),
          weight: 6,
        },
        {
          arbitrary: fc
            .constantFrom(...garbageBodies)
            .map((body) => ({ body, contentType: 'application/json' })),
          weight: 3,
        },
        {
          arbitrary: fc.constant({ body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }),
          weight: 1,
        },
      );
    } else if (content['multipart/form-data']) {
      const { file: _file, ...fields } = (content['multipart/form-data'].schema.properties ?? {}) as Record<
        string,
        Schema
      >;
      const fieldsArb = fromSchema(
        { type: 'object', properties: fields, required: Object.keys(fields) },
        components,
        0.15,
      );
      bodyArb = fc
        .tuple(
          fieldsArb,
          fc.constantFrom(
            'a.txt',
            'notes.md',
            'x\u0000.md',
            'a\r\nb.txt',
            'e\u0301.md',
            'a"b.txt',
            '',
            'x'.repeat(300) + '.txt',
            'data.json',
            'evil.exe',
          ),
          fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{"a":', '\u0000\u0001', 'plain text')),
          fc.boolean(),
        )
        .map(([f, filename, text, boundary]) => {
          const { body, contentType } = multipart(f as Record<string, unknown>, filename, text, boundary);
          return { body, contentType };
        });
    } else {
      bodyArb = fc.constantFrom(
        {},
        { body: '{}', contentType: 'application/json' },
        { body: 'x'.repeat(4_000), contentType: 'text/plain' },
      );
    }
    return fc
      .record({ url: fc.tuple(pathArb, queryArb), auth: authArb, body: bodyArb })
      .map(({ url, auth, body }) => ({
        method: method.toUpperCase(),
        url: `${net.url}${url[0]}${url[1] ? `?${url[1]}` : ''}`,
        headers: {
          ...(auth ? { authorization: auth } : {}),
          ...(body.contentType ? { 'content-type': body.contentType } : {}),
        },
        ...(body.body !== undefined && method !== 'get' ? { body: body.body } : {}),
      }));
  };

  it('answers every fuzzed request with no 5xx but 503, the error shape, and no change when it refuses', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    // Every route of the registry is in the document, so every route is fuzzed.
    expect(operations.length).toBe(apiRoutes().length);
    const schemas = new Map(apiRoutes().map((r) => [`${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`, r]));
    let requests = 0;
    const timing = { request: 0 };
    const statuses: Record<string, number> = {};
    let state = await stateFingerprint(node.ctx);
    for (const { path, method, op } of operations) {
      const route = schemas.get(`${method} ${path}`)!;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(path, method, op), async (request) => {
          requests += 1;
          const t = performance.now();
          const response = await fetch(request.url, {
            method: request.method,
            headers: request.headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          const text = await response.text();
          timing.request += performance.now() - t;
          const k = process.env.FUZZ_DEBUG ? `${method} ${path} ${response.status}` : String(response.status);
          statuses[k] = (statuses[k] ?? 0) + 1;
          const what = `${request.method} ${request.url} → ${response.status} ${text.slice(0, 300)}`;
          expect(response.status < 500 || response.status === 503, what).toBe(true);
          if (response.status >= 400) {
            const body = JSON.parse(text) as { error: { code: unknown; message: unknown; details: unknown } };
            expect(typeof body.error.code, what).toBe('string');
            expect(typeof body.error.message, what).toBe('string');
            expect(
              Array.isArray(body.error.details) && body.error.details.every((d) => typeof d === 'string'),
              what,
            ).toBe(true);
            expect(await stateFingerprint(node.ctx), what).toEqual(state);
          } else {
            state = await stateFingerprint(node.ctx); // a success may change what is stored
            const declared = route.responses[response.status];
            expect(declared, `${what}: status not declared`).toBeDefined();
            if (declared?.schema) {
              const checked = declared.schema.safeParse(JSON.parse(text));
              expect(checked.success, `${what}: ${checked.error?.message}`).toBe(true);
            }
          }
        }),
        { numRuns: runs, seed: 20_260_510, endOnFailure: true },
      );
    }
    console.log(JSON.stringify({ requests, timing, statuses }));
    expect(requests).toBeGreaterThanOrEqual(operations.length * runs);
  }, 600_000); // about 1,400 requests; a loaded machine needs more than the 2-minute default

  it('answers the malformed requests that used to be 500s with a 4xx that says what was wrong', async () => {
    const cases: [string, string, RequestInit?][] = [
      ['GET', '/v1/contributions/9223372036854775808'],
      ['GET', '/v1/contributions/99999999999999999999'],
      ['GET', '/v1/datanets/1/versions/2147483648'],
      ['GET', '/v1/datanets/1/versions/2147483648/manifest'],
      ['GET', '/v1/datanets/1/versions/9999999999/proofs/1'],
      ['GET', '/v1/activity?model=abc'],
      ['GET', '/v1/activity?before=garbage'],
      ['GET', '/v1/models/builds/%00'],
      ['GET', '/v1/epochs/99999999999999999999/data'],
      [
        'POST',
        '/v1/datanets/metadata',
        {
          body: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
          headers: { 'content-type': 'application/json' },
        },
      ],
      [
        'POST',
        '/v1/datanets/1/contributions',
        { body: 'x', headers: { 'content-type': 'multipart/form-data' } },
      ],
      [
        'POST',
        '/v1/datanets/1/contributions',
        (() => {
          const { body, contentType } = multipart(
            { contributor: net.chain.accounts[2], nonce: '1', deadline: '99999999999', signature: '0x00' },
            'a\r\nb.txt',
            'text',
            true,
          );
          return { body, headers: { 'content-type': contentType } };
        })(),
      ],
      [
        'POST',
        '/v1/auth/keys',
        {
          body: JSON.stringify({
            account: net.chain.accounts[2],
            label: 'a\u0000b',
            nonce: '1',
            deadline: '1',
            signature: '0x00',
          }),
          headers: { 'content-type': 'application/json' },
        },
      ],
    ];
    const json = (body: unknown) => ({
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    // NUL characters, which PostgreSQL text and jsonb refuse, in fields that are stored.
    cases.push(
      ['POST', '/v1/datanets/metadata', json({ name: 'nul', note: 'a\u0000b' })],
      [
        'POST',
        '/v1/models/builds',
        json({
          name: 'nul',
          kind: 'retrieval',
          datanets: [{ datanetId: '1', version: 1 }],
          params: { upstreamModel: 'a\u0000b' },
        }),
      ],
    );
    for (const [method, path, init] of cases) {
      const before = await stateFingerprint(node.ctx);
      const response = await fetch(`${net.url}${path}`, {
        method,
        ...init,
        headers: { authorization: `Bearer ${key}`, ...(init?.headers as Record<string, string>) },
      });
      const body = (await response.json()) as { error: { code: string; details: string[] } };
      expect([response.status, path].join(' '), JSON.stringify(body)).toMatch(/^4\d\d /);
      expect(body.error.details.join(' ')).not.toMatch(/postgres|pglite|TypeError|at \w+ \(/i);
      expect(await stateFingerprint(node.ctx)).toEqual(before);
    }
  });
});
