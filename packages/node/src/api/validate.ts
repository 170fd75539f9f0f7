/**
 * Edge validation: the zod schemas that path parameters, queries and bodies are parsed with (the
 * route registry applies them), and `parse`, whose failure is a 400 that names each bad field.
 */
import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { z } from 'zod';
import { badRequest } from '../errors.js';

/** Parses `value` with `schema` or throws 400 listing the bad fields. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badRequest(
      `invalid ${what}`,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/**
 * The request's JSON body as the route registry read it (size-limited while streaming, depth-
 * checked); 400 when it is not JSON.
 */
export const jsonBody = async (c: {
  get: (key: 'rawJson') => unknown;
  req: { json: () => Promise<unknown> };
}): Promise<unknown> => {
  const read = c.get('rawJson');
  if (read !== undefined) return read;
  return c.req.json().catch(() => {
    throw badRequest('the body must be JSON');
  });
};

const INT63_MAX = 2n ** 63n - 1n;
const INT31_MAX = 2 ** 31 - 1;

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { message: 'an Ethereum address (0x + 40 hex digits)', abort: true })
  .refine((v) => isAddress(v, { strict: false }), 'an Ethereum address (0x + 40 hex digits)')
  .transform((v) => getAddress(v) as Address)
  .meta({
    description: 'an Ethereum address (0x + 40 hex digits)',
    example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  });
export const hex = z
  .string()
  .max(100_000)
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'hex bytes (0x…)')
  .transform((v) => v as Hex)
  .meta({ example: `0x${'11'.repeat(65)}` });
/** An on-chain id (datanet, model) as canonical decimal: no sign, no leading zeros. */
export const decimalId = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, { message: 'a decimal id without leading zeros', abort: true })
  .refine((v) => BigInt(v) < 2n ** 256n, 'ids are uint256 (below 2^256)')
  .meta({ example: '1' });
/** A database id (contributions): canonical decimal below 2^63. */
export const rowId = z
  .string()
  .regex(/^(0|[1-9]\d{0,18})$/, { message: 'a decimal id without leading zeros', abort: true })
  .refine((v) => BigInt(v) <= INT63_MAX, 'ids are below 2^63')
  .meta({ example: '1' });
/** A version number in a path (1 … 2^31 − 1). */
export const versionParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'a positive integer without leading zeros')
  .transform(Number)
  .refine((v) => v <= INT31_MAX, 'versions are below 2^31')
  .meta({ example: '1' });
/** An epoch number in a path (1 … 2^63 − 1). */
export const epochParam = z
  .string()
  .regex(/^[1-9]\d{0,18}$/, { message: 'a positive integer without leading zeros', abort: true })
  .refine((v) => BigInt(v) <= INT63_MAX, 'epochs are below 2^63')
  .transform((v) => BigInt(v))
  .meta({ example: '1' });
/** A uint256 given as a decimal string or a safe JSON integer. */
export const uint = z
  .union([
    z.string().regex(/^\d{1,78}$/, 'a non-negative integer'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v < 2n ** 256n, 'at most 2^256 − 1')
  .meta({ description: 'a uint256 as a decimal string (or a JSON integer below 2^53)', example: '1' });
export const policy = z.object({
  contributionMode: z.enum(['open', 'curated']),
  licence: z.enum(['open', 'licensed']),
  minDataBps: z.number().int().min(0).max(10_000).default(0),
  contributionBond: z
    .string()
    .regex(/^\d{1,38}$/, { message: 'a uint128 as decimal', abort: true })
    .refine((v) => BigInt(v) < 2n ** 128n, 'at most 2^128 − 1')
    .default('0'),
  licenceFee: z
    .string()
    .regex(/^\d{1,38}$/, { message: 'a uint128 as decimal', abort: true })
    .refine((v) => BigInt(v) < 2n ** 128n, 'at most 2^128 − 1')
    .default('0'),
});
/** A positive integer in a query string (1 … 2^31 − 1). */
export const positiveInt = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'a positive integer')
  .transform(Number)
  .refine((v) => v <= INT31_MAX, 'at most 2^31 − 1');
/** Text the node stores: PostgreSQL text and jsonb hold no NUL character. */
export const storedText = z.string().refine((v) => !v.includes('\u0000'), 'no NUL characters');

/** A point in time (ISO 8601, as the API writes times). */
export const isoTime = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'an ISO 8601 time (…T…Z)',
    abort: true,
  })
  .refine((v) => !Number.isNaN(Date.parse(v)), 'a real date')
  .meta({ example: '2026-01-01T00:00:00.000Z' });
