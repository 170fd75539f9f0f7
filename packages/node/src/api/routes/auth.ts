/**
 * API keys: POST /v1/auth/keys (EIP-712 signed request) and DELETE /v1/auth/keys/current.
 */
import { z } from 'zod';
import { issueApiKey, revokeApiKey } from '../../auth/apiKeys.js';
import { BODY_LIMITS, defineRoute } from '../route.js';
import { address, hex, storedText, uint } from '../validate.js';

const keyRequest = z.object({
  account: address,
  label: storedText.max(100).default(''),
  nonce: uint,
  deadline: uint,
  signature: hex,
});

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/keys',
    tag: 'auth',
    summary: 'Get an API key for a wallet (signed)',
    description: 'The wallet signs an ApiKeyRequest; the key is shown once (the node stores its sha256).',
    auth: 'none',
    signed: 'apiKey',
    body: { kind: 'json', schema: keyRequest, maxBytes: BODY_LIMITS.small },
    responses: {
      201: {
        description: 'the key; send it as `Authorization: Bearer trib_…`',
        schema: z.object({ key: z.string(), account: z.string(), label: z.string() }),
      },
    },
    errors: [401, 409],
    handler: async ({ c, ctx, body }) => c.json(await issueApiKey(ctx, body), 201),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/auth/keys/current',
    tag: 'auth',
    summary: 'Revoke the API key this request is made with',
    auth: 'apiKey',
    responses: { 204: { description: 'revoked' } },
    handler: async ({ c, ctx }) => {
      await revokeApiKey(ctx, c.req.header('authorization'));
      return c.body(null, 204);
    },
  }),
];
