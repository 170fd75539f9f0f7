/**
 * The EIP-712 messages a wallet signs for this node's API: their domain, primary type and types.
 * One table serves the routes' documentation (OpenAPI `x-eip712`), `GET /v1/info`, and the hint
 * of a 401 INVALID_SIGNATURE.
 */
import {
  apiKeyRequestTypes,
  contributionTypes,
  createDatanetTypes,
  datanetRegistryDomain,
} from '@tributary/protocol';
import type { TypedData, TypedDataDomain } from 'viem';
import { apiKeyDomain } from '../auth/apiKeys.js';
import type { Context } from '../context.js';

/** Which domain a message is signed in (as `GET /v1/info` names them under `eip712.domains`). */
export type SignedDomainName = 'datanetRegistry' | 'nodeApi';

export type SignedRequest = {
  domain: SignedDomainName;
  primaryType: string;
  types: TypedData;
  /** How the request body maps onto the message. */
  note: string;
};

export const signedRequests = {
  apiKey: {
    domain: 'nodeApi',
    primaryType: 'ApiKeyRequest',
    types: apiKeyRequestTypes,
    note: 'the body is the message plus `signature`',
  },
  createDatanet: {
    domain: 'datanetRegistry',
    primaryType: 'CreateDatanet',
    types: createDatanetTypes,
    note:
      'metadataHash = sha256 of the canonical JSON of `metadata` (keys sorted, no spaces); policy as numbers ' +
      '(contributionMode open 0 / curated 1, licence open 0 / licensed 1); nonce = GET /v1/accounts/{address} createDatanetNonce',
  },
  contribution: {
    domain: 'datanetRegistry',
    primaryType: 'Contribution',
    types: contributionTypes,
    note:
      'contentHash = sha256 of the file bytes; filename = the file part’s name exactly as sent (NFC, no control characters, ' +
      'at most 255 UTF-8 bytes); nonce: any uint256 not used before by this contributor',
  },
} as const satisfies Record<string, SignedRequest>;

export type SignedRequestName = keyof typeof signedRequests;

/** The domains of this node's signed messages. */
export function signedDomains(ctx: Context): Record<SignedDomainName, TypedDataDomain> {
  return {
    datanetRegistry: datanetRegistryDomain({
      chainId: ctx.chain.chainId,
      verifyingContract: ctx.chain.addresses.datanetRegistry,
    }),
    nodeApi: apiKeyDomain(ctx),
  };
}
