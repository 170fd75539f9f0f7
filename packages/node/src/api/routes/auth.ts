/**
 * API keys: POST /v1/auth/keys (EIP-712 signed request) and DELETE /v1/auth/keys/current.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { issueApiKey, revokeApiKey } from '../../auth/apiKeys.js';
import type { AppEnv } from '../app.js';
import { address, hex, jsonBody, parse, uint } from '../validate.js';

const keyRequest = z.object({
  account: address,
  label: z.string().max(100).default(''),
  nonce: uint,
  deadline: uint,
  signature: hex,
});

export function authRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/keys', async (c) => {
    const body = parse(keyRequest, await jsonBody(c), 'API key request');
    return c.json(await issueApiKey(c.get('ctx'), body), 201);
  });
  app.delete('/keys/current', async (c) => {
    await revokeApiKey(c.get('ctx'), c.req.header('authorization'));
    return c.body(null, 204);
  });
  return app;
}
