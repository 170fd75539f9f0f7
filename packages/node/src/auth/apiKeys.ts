/**
 * API keys: a wallet proves ownership with an EIP-712 signature and gets a bearer key for this
 * node. Keys are random, shown once, and stored only as their sha256.
 */
import { randomBytes } from 'node:crypto';
import { apiKeyRequestTypes, nodeApiDomain } from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { conflict, unauthorized } from '../errors.js';
import { sha256Hex } from '../store/blobs.js';
import { verifySignature } from './verifySignature.js';

export type IssueApiKeyParameters = {
  account: Address;
  label: string;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
};

export type IssueApiKeyReturnType = { key: string; account: Address; label: string };

/** The EIP-712 domain a client signs API key requests with. */
export const apiKeyDomain = (ctx: Context) =>
  nodeApiDomain({ chainId: ctx.chain.chainId, node: ctx.chain.operator.address });

/**
 * Issues a key to `account` after checking its signed request.
 *
 * @example
 * const { key } = await issueApiKey(ctx, { account, label: 'laptop', nonce, deadline, signature });
 */
export async function issueApiKey(
  ctx: Context,
  parameters: IssueApiKeyParameters,
): Promise<IssueApiKeyReturnType> {
  const { account, label, nonce, deadline, signature } = parameters;
  await verifySignature(ctx, {
    signer: account,
    domain: apiKeyDomain(ctx),
    types: apiKeyRequestTypes,
    primaryType: 'ApiKeyRequest',
    message: { account, label, nonce, deadline },
    signature,
    deadline,
    what: 'API key request',
  });
  const key = `trib_${randomBytes(32).toString('base64url')}`;
  await ctx.db.transaction(async (tx) => {
    const used = await tx.query(
      'insert into auth_nonces (account, nonce) values ($1, $2) on conflict do nothing returning 1',
      [addressKey(account), nonce.toString()],
    );
    if (used.length === 0)
      throw conflict('NONCE_REPLAYED', `nonce ${nonce} was already used by ${account}`, [
        'sign a new request with a fresh nonce',
      ]);
    await tx.query('insert into api_keys (key_hash, account, label) values ($1, $2, $3)', [
      sha256Hex(key),
      addressKey(account),
      label,
    ]);
  });
  return { key, account: getAddress(account), label };
}

const KEY_CACHE_MS = 30_000;
const keyCache = new WeakMap<Context, Map<string, { account: Address; revoked: boolean; at: number }>>();

/** Known keys for up to 30 s (a revocation through this node applies at once). */
function cachedKeys(ctx: Context) {
  let keys = keyCache.get(ctx);
  if (!keys) {
    keys = new Map();
    keyCache.set(ctx, keys);
  }
  return keys;
}

/** The account a bearer key belongs to; throws 401 when it is missing, unknown or revoked. */
export async function authenticate(ctx: Context, authorization: string | undefined): Promise<Address> {
  const key = authorization?.match(/^Bearer\s+(trib_[A-Za-z0-9_-]+)$/)?.[1];
  if (!key) {
    throw unauthorized('UNAUTHENTICATED', 'this request needs an API key', [
      'send `Authorization: Bearer trib_…`; get a key with POST /v1/auth/keys',
    ]);
  }
  const hash = sha256Hex(key);
  const keys = cachedKeys(ctx);
  let known = keys.get(hash);
  if (!known || Date.now() - known.at > KEY_CACHE_MS) {
    const [row] = await ctx.db.query<{ account: string; revoked_at: Date | null }>(
      'select account, revoked_at from api_keys where key_hash = $1',
      [hash],
    );
    if (!row) throw unauthorized('INVALID_API_KEY', 'the API key is not known to this node');
    known = { account: getAddress(row.account), revoked: row.revoked_at !== null, at: Date.now() };
    if (keys.size > 10_000) keys.clear();
    keys.set(hash, known);
  }
  if (known.revoked)
    throw unauthorized('API_KEY_REVOKED', 'the API key was revoked', [
      'get a new key with POST /v1/auth/keys',
    ]);
  return known.account;
}

/** Revokes the key in `authorization`. */
export async function revokeApiKey(ctx: Context, authorization: string | undefined): Promise<void> {
  await authenticate(ctx, authorization);
  const hash = sha256Hex(authorization!.replace(/^Bearer\s+/, ''));
  await ctx.db.query('update api_keys set revoked_at = now() where key_hash = $1', [hash]);
  cachedKeys(ctx).delete(hash);
}
