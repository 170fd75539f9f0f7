/**
 * EIP-712 domains and types of the protocol. Every domain binds the chain id and the verifying
 * contract; every signed struct has a nonce and a deadline.
 */
import type { Address } from 'viem';

export type DomainParameters = { chainId: number; verifyingContract: Address };

/** Domain of DatanetRegistry: create-by-signature, and contributions the node verifies. */
export const datanetRegistryDomain = ({ chainId, verifyingContract }: DomainParameters) =>
  ({ name: 'TributaryDatanetRegistry', version: '1', chainId, verifyingContract }) as const;

/** Domain of NodeRegistry: a signing key's consent to serve an operator. */
export const nodeRegistryDomain = ({ chainId, verifyingContract }: DomainParameters) =>
  ({ name: 'TributaryNodeRegistry', version: '1', chainId, verifyingContract }) as const;

/** Domain of the token's ERC-2612 permits. */
export const tokenDomain = ({ chainId, verifyingContract }: DomainParameters) =>
  ({ name: 'Tributary', version: '1', chainId, verifyingContract }) as const;

const policyType = [
  { name: 'contributionMode', type: 'uint8' },
  { name: 'licence', type: 'uint8' },
  { name: 'minDataBps', type: 'uint16' },
  { name: 'contributionBond', type: 'uint128' },
  { name: 'licenceFee', type: 'uint128' },
] as const;

/** A datanet owner's request to create a datanet (naming an optional curator), relayed by anyone. */
export const createDatanetTypes = {
  CreateDatanet: [
    { name: 'owner', type: 'address' },
    { name: 'metadataHash', type: 'bytes32' },
    { name: 'policy', type: 'Policy' },
    { name: 'curator', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
  Policy: policyType,
} as const;

/** A signing key's consent to sign receipts for `operator`. */
export const signingKeyConsentTypes = {
  SigningKeyConsent: [
    { name: 'operator', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/**
 * A contributor's signature over an upload: the datanet, the sha256 of the content, the file's
 * name (as `filenameProblem` accepts it), a nonce the node has not seen from this contributor, and
 * a deadline. Verified by the node.
 */
export const contributionTypes = {
  Contribution: [
    { name: 'datanetId', type: 'uint256' },
    { name: 'contentHash', type: 'bytes32' },
    { name: 'filename', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/** ERC-2612 permit. */
export const permitTypes = {
  Permit: [
    { name: 'owner', type: 'address' },
    { name: 'spender', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;

/** Contribution modes of a datanet policy, as the contract numbers them. */
export const ContributionMode = { Open: 0, Curated: 1 } as const;
/** Licences of a datanet policy, as the contract numbers them. */
export const Licence = { Open: 0, Licensed: 1 } as const;
/** Model statuses, as the contract numbers them. */
export const ModelStatus = { Active: 0, Deprecated: 1, Delisted: 2 } as const;
/** Epoch statuses, as the contract numbers them. */
export const EpochStatus = { None: 0, Open: 1, Settled: 2, Challenged: 3, Voided: 4 } as const;
/** Takedown reason codes emitted with ContributionRemoved. */
export const RemovalReason = {
  ContributorRequest: 1,
  Copyright: 2,
  Privacy: 3,
  Quality: 4,
  Legal: 5,
  Other: 6,
} as const;

/**
 * Domain of one node's off-chain API (API keys): bound to the chain and, as the verifying
 * "contract", the node operator's address, so a login for one node cannot be replayed on another.
 */
export const nodeApiDomain = ({ chainId, node }: { chainId: number; node: Address }) =>
  ({ name: 'TributaryNode', version: '1', chainId, verifyingContract: node }) as const;

/** A wallet's request for an API key on a node. */
export const apiKeyRequestTypes = {
  ApiKeyRequest: [
    { name: 'account', type: 'address' },
    { name: 'label', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const;
