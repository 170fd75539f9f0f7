/**
 * Datanets over REST: create (relayed from the owner's signature), contribute, review, commit
 * versions, take down, and the provenance anyone can check (history, proofs, snapshots).
 */
import { RemovalReason } from '@tributary/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { requireReadAccess } from '../../datanets/access.js';
import { attributeText } from '../../datanets/attributeText.js';
import { contribute } from '../../datanets/contribute.js';
import {
  contributionView,
  getContributionRow,
  listContributions,
} from '../../datanets/contributionQueries.js';
import { createDatanet } from '../../datanets/createDatanet.js';
import { getDatanet, listDatanets } from '../../datanets/datanetQueries.js';
import { storeMetadata } from '../../datanets/metadata.js';
import { datanetHistory, proveContribution, versionSnapshot } from '../../datanets/provenance.js';
import { reviewContribution } from '../../datanets/review.js';
import { takedown } from '../../datanets/takedown.js';
import { commitVersion, getVersion, listVersions } from '../../datanets/versions.js';
import { ApiError, badRequest, tooLarge, unsupportedType } from '../../errors.js';
import { type AppEnv, optionalAccount, requireAccount } from '../app.js';
import { address, hex, jsonBody, parse, policy, positiveInt, uint } from '../validate.js';

const metadataDocument = z
  .record(z.string(), z.unknown())
  .refine((d) => typeof d.name === 'string' && d.name.length > 0, {
    message: 'metadata needs a non-empty "name"',
  });

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
const takedownRequest = z.object({
  reason: z
    .union([
      z.number().int().min(1).max(255),
      z.enum(Object.keys(RemovalReason) as [keyof typeof RemovalReason]),
    ])
    .transform((r) => (typeof r === 'number' ? r : RemovalReason[r]))
    .optional(),
});
const attributeRequest = z.object({
  text: z.string(),
  minLength: z.number().int().min(1).max(1000).optional(),
  maxCount: z.number().int().min(1).optional(),
});
const statusQuery = z.enum(['pending', 'accepted', 'rejected', 'removed']).optional();

export function datanetRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/datanets/metadata', async (c) => {
    const document = parse(metadataDocument, await jsonBody(c), 'metadata document');
    return c.json({ metadataHash: await storeMetadata(c.get('ctx'), document) }, 201);
  });
  app.post('/datanets', async (c) => {
    const body = parse(createRequest, await jsonBody(c), 'create-datanet request');
    return c.json(await createDatanet(c.get('ctx'), body), 201);
  });
  app.get('/datanets', async (c) => c.json({ datanets: await listDatanets(c.get('ctx')) }));
  app.get('/datanets/:id', async (c) => c.json(await getDatanet(c.get('ctx'), c.req.param('id'))));
  app.get('/datanets/:id/history', async (c) =>
    c.json({ history: await datanetHistory(c.get('ctx'), c.req.param('id')) }),
  );

  app.post(
    '/datanets/:id/contributions',
    async (c, next) => {
      const max = c.get('ctx').config.limits.maxUploadBytes;
      // The multipart envelope adds a little; the file itself is checked exactly below.
      return bodyLimit({
        maxSize: max + 16_384,
        onError: () => {
          throw tooLarge(`the upload is larger than the ${max}-byte limit`, ['split it into smaller files']);
        },
      })(c, next);
    },
    async (c) => {
      const ctx = c.get('ctx');
      if (!c.req.header('content-type')?.startsWith('multipart/form-data')) {
        throw unsupportedType('upload contributions as multipart/form-data', [
          'fields: file, contributor, nonce, deadline, signature',
        ]);
      }
      const form = await c.req.parseBody();
      const file = form.file;
      if (!(file instanceof File)) throw badRequest('the upload has no "file" part');
      const fields = parse(uploadFields, form, 'contribution');
      const contribution = await contribute(ctx, {
        datanetId: c.req.param('id'),
        ...fields,
        filename: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
      return c.json(contribution, 201);
    },
  );
  app.get('/datanets/:id/contributions', async (c) => {
    const ctx = c.get('ctx');
    await getDatanet(ctx, c.req.param('id'));
    const status = parse(statusQuery, c.req.query('status'), 'status filter');
    return c.json({ contributions: await listContributions(ctx, c.req.param('id'), { status }) });
  });
  app.get('/contributions/:id', async (c) =>
    c.json(contributionView(await getContributionRow(c.get('ctx').db, c.req.param('id')))),
  );
  app.get('/contributions/:id/content', async (c) => {
    const ctx = c.get('ctx');
    const row = await getContributionRow(ctx.db, c.req.param('id'));
    const datanet = await getDatanet(ctx, row.datanet_id);
    await requireReadAccess(ctx, datanet, row, await optionalAccount(ctx, c.req.header('authorization')));
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
  });
  app.post('/contributions/:id/review', async (c) => {
    const ctx = c.get('ctx');
    const reviewer = await requireAccount(ctx, c.req.header('authorization'));
    const body = parse(reviewRequest, await jsonBody(c), 'review');
    return c.json(await reviewContribution(ctx, { contributionId: c.req.param('id'), reviewer, ...body }));
  });
  app.delete('/contributions/:id', async (c) => {
    const ctx = c.get('ctx');
    const requester = await requireAccount(ctx, c.req.header('authorization'));
    const raw = c.req.header('content-type')?.includes('json') ? await jsonBody(c) : {};
    const { reason } = parse(takedownRequest, raw, 'takedown');
    return c.json(await takedown(ctx, { contributionId: c.req.param('id'), requester, reason: reason ?? 0 }));
  });

  app.post('/datanets/:id/attribute', async (c) => {
    const ctx = c.get('ctx');
    const datanet = await getDatanet(ctx, c.req.param('id'));
    // Spans show content, so licensed datanets answer only those who may read them.
    await requireReadAccess(ctx, datanet, null, await optionalAccount(ctx, c.req.header('authorization')));
    const { text, ...options } = parse(attributeRequest, await jsonBody(c), 'attribution request');
    return c.json(await attributeText(ctx, { datanetId: datanet.id, text, options }));
  });

  app.post('/datanets/:id/versions', async (c) => {
    const ctx = c.get('ctx');
    const author = await requireAccount(ctx, c.req.header('authorization'));
    return c.json(await commitVersion(ctx, { datanetId: c.req.param('id'), author }), 201);
  });
  app.get('/datanets/:id/versions', async (c) =>
    c.json({ versions: await listVersions(c.get('ctx'), c.req.param('id')) }),
  );
  app.get('/datanets/:id/versions/:version', async (c) => {
    const version = parse(positiveInt, c.req.param('version'), 'version');
    return c.json(await getVersion(c.get('ctx'), c.req.param('id'), version));
  });
  app.get('/datanets/:id/versions/:version/manifest', async (c) => {
    const ctx = c.get('ctx');
    const view = await getVersion(
      ctx,
      c.req.param('id'),
      parse(positiveInt, c.req.param('version'), 'version'),
    );
    const bytes = await ctx.blobs.get(view.manifestHash.slice(2));
    if (!bytes) throw new ApiError(410, 'CONTENT_GONE', 'the manifest blob is missing');
    return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/json' });
  });
  app.get('/datanets/:id/versions/:version/proofs/:contributionId', async (c) => {
    const version = parse(positiveInt, c.req.param('version'), 'version');
    return c.json(
      await proveContribution(c.get('ctx'), c.req.param('id'), version, c.req.param('contributionId')),
    );
  });
  app.get('/datanets/:id/versions/:version/snapshot.jsonl', async (c) => {
    const ctx = c.get('ctx');
    const datanet = await getDatanet(ctx, c.req.param('id'));
    await requireReadAccess(ctx, datanet, null, await optionalAccount(ctx, c.req.header('authorization')));
    const snapshot = await versionSnapshot(
      ctx,
      datanet.id,
      parse(positiveInt, c.req.param('version'), 'version'),
    );
    return c.body(snapshot.body, 200, {
      'content-type': 'application/jsonl; charset=utf-8',
      'x-snapshot-sha256': snapshot.sha256,
      'x-snapshot-removed': String(snapshot.removed),
    });
  });
  return app;
}
