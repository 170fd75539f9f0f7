/**
 * Checks an EIP-712 signature and its deadline, turning failures into clear 401 errors. Smart
 * accounts (ERC-1271) are accepted through the chain client; a plain key needs no chain round trip.
 */
import type { Address, Hex, TypedData, TypedDataDomain } from 'viem';
import type { Context } from '../context.js';
import { unauthorized } from '../errors.js';

export type VerifySignatureParameters = {
  signer: Address;
  domain: TypedDataDomain;
  types: TypedData;
  primaryType: string;
  message: Record<string, unknown>;
  signature: Hex;
  /** Unix seconds after which the signature is void. */
  deadline: bigint;
  /** What was signed, for the error message ("contribution", "API key request"). */
  what: string;
};

/** Throws 401 SIGNATURE_EXPIRED or INVALID_SIGNATURE unless `signer` signed the message in time. */
export async function verifySignature(ctx: Context, parameters: VerifySignatureParameters): Promise<void> {
  const now = BigInt(Math.floor(Date.now() / 1000));
  if (parameters.deadline < now) {
    throw unauthorized('SIGNATURE_EXPIRED', `the ${parameters.what} signature expired`, [
      `deadline ${parameters.deadline} is before now (${now}); sign again with a later deadline`,
    ]);
  }
  let valid = false;
  try {
    valid = await ctx.chain.publicClient.verifyTypedData({
      address: parameters.signer,
      domain: parameters.domain,
      types: parameters.types,
      primaryType: parameters.primaryType,
      message: parameters.message,
      signature: parameters.signature,
      // A plain key's signature is recovered locally; only a smart account's is asked of the chain.
      mode: 'eoa',
    } as Parameters<typeof ctx.chain.publicClient.verifyTypedData>[0]);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw unauthorized(
      'INVALID_SIGNATURE',
      `the ${parameters.what} signature is not ${parameters.signer}'s`,
      ['sign the EIP-712 message with this chain id and verifying contract (GET /v1/info lists them)'],
    );
  }
}
