/**
 * Edge validation: request bodies and parameters are parsed with zod; a failure is a 400 that
 * names each bad field.
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
      result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** The request's JSON body; 400 when it is not JSON. */
export const jsonBody = (c: { req: { json: () => Promise<unknown> } }): Promise<unknown> =>
  c.req.json().catch(() => {
    throw badRequest('the body must be JSON');
  });

export const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'an Ethereum address (0x + 40 hex digits)')
  .transform((v) => getAddress(v) as Address);
export const hex = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'hex bytes (0x…)')
  .transform((v) => v as Hex);
/** An on-chain id (datanet, model) as canonical decimal: no sign, no leading zeros. */
export const decimalId = z.string().regex(/^(0|[1-9]\d{0,77})$/, 'a decimal id without leading zeros');
export const uint = z
  .union([z.string().regex(/^\d{1,78}$/, 'a non-negative integer'), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));
export const policy = z.object({
  contributionMode: z.enum(['open', 'curated']),
  licence: z.enum(['open', 'licensed']),
  minDataBps: z.number().int().min(0).max(10_000).default(0),
  contributionBond: z
    .string()
    .regex(/^\d{1,39}$/)
    .default('0'),
  licenceFee: z
    .string()
    .regex(/^\d{1,39}$/)
    .default('0'),
});
export const positiveInt = z.coerce.number().int().positive();
