/**
 * Checks an EIP-712 signature and its deadline, turning failures into clear 401 errors. Smart
 * accounts (ERC-1271) are accepted through the chain client; a plain key needs no chain round trip.
 */
import { type Address, type Hex, type TypedData, type TypedDataDomain, verifyTypedData } from 'viem';
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
  const typedData = {
    address: parameters.signer,
    domain: parameters.domain,
    types: parameters.types,
    primaryType: parameters.primaryType,
    message: parameters.message,
    signature: parameters.signature,
  } as Parameters<typeof verifyTypedData>[0];
  // A wallet's (EOA) signature is checked here; only a smart account's needs the chain (ERC-1271).
  let valid = await verifyTypedData(typedData).catch(() => false);
  if (!valid) {
    valid = await ctx.chain.publicClient
      .verifyTypedData(typedData as Parameters<typeof ctx.chain.publicClient.verifyTypedData>[0])
      .catch(() => false);
  }
  if (!valid) {
    const domain = parameters.domain;
    throw unauthorized(
      'INVALID_SIGNATURE',
      `the ${parameters.what} signature is not ${parameters.signer}'s`,
      [
        `expected an EIP-712 signature of primary type ${encodeTypeOf(parameters.primaryType, parameters.types)}`,
        `in domain ${domain.name} version ${domain.version}, chainId ${domain.chainId}, verifyingContract ${domain.verifyingContract}`,
        'GET /v1/info lists the domains and types (eip712); GET /docs shows each signed request',
      ],
    );
  }
}

/** `Contribution(uint256 datanetId,…)` followed by the referenced struct types, as EIP-712 encodes it. */
export function encodeTypeOf(primaryType: string, types: TypedData): string {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !Object.hasOwn(types, name)) return;
    seen.add(name);
    for (const field of types[name]!) visit(field.type.replace(/\[\d*\]$/, ''));
  };
  visit(primaryType);
  const encode = (name: string) => `${name}(${types[name]!.map((f) => `${f.type} ${f.name}`).join(',')})`;
  return [primaryType, ...[...seen].filter((n) => n !== primaryType).sort()].map(encode).join('');
}
