/**
 * Datanets over REST: create (relayed from the owner's signature), contribute, review, commit
 * versions, take down, and the provenance anyone can check (history, proofs, snapshots).
 */
import { canonicalJson, RemovalReason } from '@tributary/protocol';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { requireReadAccess } from '../../datanets/access.js';
import { attributeText } from '../../datanets/attributeText.js';
import { contribute } from '../../datanets/contribute.js';
import {
  getContributionRow,
  listContributions,
  contributionView as toContributionView,
} from '../../datanets/contributionQueries.js';
import { createDatanet } from '../../datanets/createDatanet.js';
import { getDatanet, listDatanets } from '../../datanets/datanetQueries.js';
import { storeMetadata } from '../../datanets/metadata.js';
import { datanetHistory, proveContribution, versionSnapshot } from '../../datanets/provenance.js';
import { reviewContribution } from '../../datanets/review.js';
import { takedown } from '../../datanets/takedown.js';
import { commitVersion, getVersion, listVersions } from '../../datanets/versions.js';
import { ApiError } from '../../errors.js';
import { jsonDepth } from '../body.js';
import { BODY_LIMITS, defineRoute } from '../route.js';
import { address, decimalId, hex, policy, positiveInt, rowId, uint, versionParam } from '../validate.js';
import {
  attributionView,
  contributionView,
  datanetView,
  historyEntry,
  proofView,
  versionView,
} from '../views.js';

/** Metadata documents are small: a name, a description, links. */
export const MAX_METADATA_BYTES = 16_384;
const MAX_METADATA_DEPTH = 8;

const metadataDocument = z
  .record(z.string(), z.unknown())
  .refine(
    (d) =>
      Object.hasOwn(d, 'name') && typeof d.name === 'string' && d.name.length > 0 && d.name.length <= 200,
    {
      message: 'metadata needs a non-empty "name" (at most 200 characters)',
    },
  )
  .refine((d) => !JSON.stringify(d).includes('\\u0000'), { message: 'metadata holds no NUL characters' })
  .refine((d) => jsonDepth(JSON.stringify(d)) <= MAX_METADATA_DEPTH, {
    message: `metadata nests at most ${MAX_METADATA_DEPTH} levels`,
  })
  .refine((d) => Buffer.byteLength(canonicalJson(d)) <= MAX_METADATA_BYTES, {
    message: `metadata is at most ${MAX_METADATA_BYTES} bytes of canonical JSON`,
  })
  .meta({ id: 'DatanetMetadata', example: { name: 'Rivers', description: 'Field notes on rivers' } });

const createRequest = z.object({
  owner: address,
  metadata: metadataDocument,
  policy,
  curator: address,
  nonce: uint,
  deadline: uint,
  signature: hex,
});

const uploadFields = z.object({
  contributor: address,
  nonce: uint,
  deadline: uint,
  signature: hex,
});

const reviewRequest = z.object({
  decision: z.enum(['accept', 'reject']),
  forfeitBond: z.boolean().optional(),
});
const reasonNames = Object.keys(RemovalReason) as [keyof typeof RemovalReason];
const takedownRequest = z.object({
  reason: z
    .union([z.number().int().min(1).max(255), z.enum(reasonNames)])
    .transform((r) => (typeof r === 'number' ? r : RemovalReason[r]))
    .optional(),
});
const attributeRequest = z.object({
  text: z.string(),
  minLength: z.number().int().min(1).max(1000).optional(),
  maxCount: z.number().int().min(1).max(1_000_000).optional(),
});

const datanetParams = z.object({ id: decimalId });
const contributionParams = z.object({ id: rowId });
const versionParams = z.object({ id: decimalId, version: versionParam });

export const datanetRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/datanets/metadata',
    tag: 'datanets',
    summary: 'Store a metadata document',
    description:
      'Stores a datanet metadata document by its sha256 (the `metadataHash` committed on-chain), e.g. before ' +
      '`DatanetRegistry.setMetadata`. Needs an API key; documents are bounded in size and in number per account per day. ' +
      'Creating a datanet does not need this: `POST /v1/datanets` carries the document.',
    auth: 'apiKey',
    body: { kind: 'json', schema: metadataDocument, maxBytes: MAX_METADATA_BYTES * 2 },
    responses: { 201: { description: 'stored', schema: z.object({ metadataHash: hex }) } },
    errors: [429],
    handler: async ({ c, ctx, body, account }) =>
      c.json(
        { metadataHash: await storeMetadata(ctx, { document: body, storedBy: account, charge: true }) },
        201,
      ),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/datanets',
    tag: 'datanets',
    summary: 'Create a datanet (relayed)',
    description:
      'The owner signs a CreateDatanet message; the node checks it, stores the metadata and relays ' +
      '`createDatanetBySig` (paying the gas). Nothing is stored for a request whose signature does not verify.',
    auth: 'none',
    signed: 'createDatanet',
    body: { kind: 'json', schema: createRequest, maxBytes: MAX_METADATA_BYTES * 2 + BODY_LIMITS.none },
    responses: { 201: { description: 'created and indexed', schema: datanetView } },
    errors: [401, 409, 503],
    handler: async ({ c, ctx, body }) => c.json(await createDatanet(ctx, body), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets',
    tag: 'datanets',
    summary: 'List datanets, newest first',
    auth: 'none',
    query: z.object({
      limit: positiveInt.optional(),
      offset: z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number)
        .optional(),
    }),
    responses: { 200: { description: 'datanets', schema: z.object({ datanets: z.array(datanetView) }) } },
    handler: async ({ c, ctx, query }) =>
      c.json({
        datanets: await listDatanets(ctx, {
          limit: Math.min(query.limit ?? 100, 500),
          offset: query.offset ?? 0,
        }),
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id',
    tag: 'datanets',
    summary: 'A datanet',
    auth: 'none',
    params: datanetParams,
    responses: { 200: { description: 'the datanet', schema: datanetView } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json(await getDatanet(ctx, params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/history',
    tag: 'datanets',
    summary: 'Every on-chain change of a datanet',
    auth: 'none',
    params: datanetParams,
    responses: { 200: { description: 'oldest first', schema: z.object({ history: z.array(historyEntry) }) } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json({ history: await datanetHistory(ctx, params.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/datanets/:id/contributions',
    tag: 'datanets',
    summary: 'Upload a contribution (signed)',
    description:
      'multipart/form-data with a `file` part and the fields of a signed Contribution message. Accepted types: ' +
      '.txt .md .json .jsonl .csv, UTF-8. Checked before anything is written: type, content, filename, signature, ' +
      'ban, daily quota (contributions and bytes), bond.',
    auth: 'none',
    signed: 'contribution',
    params: datanetParams,
    body: {
      kind: 'multipart',
      file: 'file',
      schema: uploadFields,
      maxBytes: (ctx: Context) => ctx.config.limits.maxUploadBytes + 16_384,
    },
    responses: { 201: { description: 'stored (pending or accepted)', schema: contributionView } },
    errors: [401, 402, 403, 404, 409, 415, 429],
    handler: async ({ c, ctx, params, body }) => {
      const { file, ...fields } = body;
      const contribution = await contribute(ctx, {
        datanetId: params.id,
        ...fields,
        filename: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
      return c.json(contribution, 201);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/contributions',
    tag: 'datanets',
    summary: 'Contributions of a datanet',
    auth: 'none',
    params: datanetParams,
    query: z.object({ status: z.enum(['pending', 'accepted', 'rejected', 'removed']).optional() }),
    responses: {
      200: { description: 'oldest first', schema: z.object({ contributions: z.array(contributionView) }) },
    },
    errors: [404],
    handler: async ({ c, ctx, params, query }) => {
      await getDatanet(ctx, params.id);
      return c.json({ contributions: await listContributions(ctx, params.id, { status: query.status }) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contributions/:id',
    tag: 'datanets',
    summary: 'A contribution',
    auth: 'none',
    params: contributionParams,
    responses: { 200: { description: 'the contribution', schema: contributionView } },
    errors: [404],
    handler: async ({ c, ctx, params }) =>
      c.json(toContributionView(await getContributionRow(ctx.db, params.id))),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contributions/:id/content',
    tag: 'datanets',
    summary: 'The text of a contribution',
    description:
      'Licensed datanets: the owner, curators, the contributor, and nodes of models that licensed it.',
    auth: 'optionalApiKey',
    params: contributionParams,
    responses: { 200: { description: 'the file as uploaded', contentType: 'text/plain' } },
    errors: [403, 404, 410],
    handler: async ({ c, ctx, params, account }) => {
      const row = await getContributionRow(ctx.db, params.id);
      const datanet = await getDatanet(ctx, row.datanet_id);
      await requireReadAccess(ctx, datanet, row, account);
      const bytes =
        row.status === 'removed' || row.status === 'rejected' ? null : await ctx.blobs.get(row.content_hash);
      if (!bytes) {
        throw new ApiError(
          410,
          'CONTENT_GONE',
          `the content of contribution ${row.id} was deleted (${row.status})`,
        );
      }
      return c.body(new Uint8Array(bytes), 200, { 'content-type': `${row.media_type}; charset=utf-8` });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/contributions/:id/review',
    tag: 'datanets',
    summary: 'Accept or reject a pending contribution',
    auth: 'apiKey',
    params: contributionParams,
    body: { kind: 'json', schema: reviewRequest, maxBytes: BODY_LIMITS.small },
    responses: { 200: { description: 'the decided contribution', schema: contributionView } },
    errors: [403, 404, 409],
    handler: async ({ c, ctx, params, body, account }) =>
      c.json(await reviewContribution(ctx, { contributionId: params.id, reviewer: account, ...body })),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/contributions/:id',
    tag: 'datanets',
    summary: 'Take a contribution down',
    description: 'By the contributor, the owner or a curator; the reason is a RemovalReason name or code.',
    auth: 'apiKey',
    params: contributionParams,
    body: { kind: 'json', schema: takedownRequest, maxBytes: BODY_LIMITS.small, optional: true },
    responses: {
      200: {
        description: 'removed; the new version when a committed one held it',
        schema: z.object({ contribution: contributionView, version: versionView.nullable() }),
      },
    },
    errors: [403, 404],
    handler: async ({ c, ctx, params, body, account }) =>
      c.json(
        await takedown(ctx, { contributionId: params.id, requester: account, reason: body.reason ?? 0 }),
      ),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/datanets/:id/attribute',
    tag: 'datanets',
    summary: 'Attribute a text to a datanet’s contributions',
    auth: 'optionalApiKey',
    params: datanetParams,
    body: { kind: 'json', schema: attributeRequest, maxBytes: BODY_LIMITS.prompt },
    responses: { 200: { description: 'shares in parts per million', schema: attributionView } },
    errors: [403, 404],
    handler: async ({ c, ctx, params, body, account }) => {
      const datanet = await getDatanet(ctx, params.id);
      // Spans show content, so licensed datanets answer only those who may read them.
      await requireReadAccess(ctx, datanet, null, account);
      const { text, ...options } = body;
      return c.json(await attributeText(ctx, { datanetId: datanet.id, text, options }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/datanets/:id/versions',
    tag: 'datanets',
    summary: 'Commit a version (its manifest root goes on-chain)',
    auth: 'apiKey',
    params: datanetParams,
    responses: { 201: { description: 'committed', schema: versionView } },
    errors: [403, 404, 409, 503],
    handler: async ({ c, ctx, params, account }) =>
      c.json(await commitVersion(ctx, { datanetId: params.id, author: account }), 201),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/versions',
    tag: 'datanets',
    summary: 'Version history',
    auth: 'none',
    params: datanetParams,
    responses: { 200: { description: 'oldest first', schema: z.object({ versions: z.array(versionView) }) } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json({ versions: await listVersions(ctx, params.id) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/versions/:version',
    tag: 'datanets',
    summary: 'A version with its diff against its parent',
    auth: 'none',
    params: versionParams,
    responses: { 200: { description: 'the version', schema: versionView } },
    errors: [404],
    handler: async ({ c, ctx, params }) => c.json(await getVersion(ctx, params.id, params.version)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/versions/:version/manifest',
    tag: 'datanets',
    summary: 'A version’s manifest (the Merkle tree’s leaves)',
    auth: 'none',
    params: versionParams,
    responses: { 200: { description: 'the manifest JSON', contentType: 'application/json' } },
    errors: [404, 410],
    handler: async ({ c, ctx, params }) => {
      const view = await getVersion(ctx, params.id, params.version);
      const bytes = await ctx.blobs.get(view.manifestHash.slice(2));
      if (!bytes) throw new ApiError(410, 'CONTENT_GONE', 'the manifest blob is missing');
      return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/json' });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/versions/:version/proofs/:contributionId',
    tag: 'datanets',
    summary: 'Merkle proof that a contribution is in a version',
    auth: 'none',
    params: z.object({ id: decimalId, version: versionParam, contributionId: rowId }),
    responses: {
      200: { description: 'verifiable with DatanetRegistry.verifyContribution', schema: proofView },
    },
    errors: [404],
    handler: async ({ c, ctx, params }) =>
      c.json(await proveContribution(ctx, params.id, params.version, params.contributionId)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/datanets/:id/versions/:version/snapshot.jsonl',
    tag: 'datanets',
    summary: 'A version’s training snapshot (JSON Lines, reproducible hash)',
    auth: 'optionalApiKey',
    params: versionParams,
    responses: {
      200: { description: 'one canonical JSON line per contribution', contentType: 'application/jsonl' },
    },
    errors: [403, 404],
    handler: async ({ c, ctx, params, account }) => {
      const datanet = await getDatanet(ctx, params.id);
      await requireReadAccess(ctx, datanet, null, account);
      const snapshot = await versionSnapshot(ctx, datanet.id, params.version);
      return c.body(snapshot.body, 200, {
        'content-type': 'application/jsonl; charset=utf-8',
        'x-snapshot-sha256': snapshot.sha256,
        'x-snapshot-removed': String(snapshot.removed),
      });
    },
  }),
];
