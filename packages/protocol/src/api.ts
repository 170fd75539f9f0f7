/**
 * The node's HTTP API in types: what requests carry and responses hold. The node produces these
 * shapes and the SDK consumes them, so both compile against one definition.
 */
import { type Address, type Hex, sha256, type TypedDataDomain, toBytes } from 'viem';
import { canonicalJson } from './canonicalJson.js';
import type { ProtocolAddresses } from './deploy.js';
import { ContributionMode, Licence } from './eip712.js';
import type { Receipt } from './receipt.js';

/** The error body of every failed request. */
export type ApiErrorBody = { error: { code: string; message: string; details: string[] } };

/** A datanet's rules as the API writes them (amounts in token base units, as decimal strings). */
export type PolicyView = {
  contributionMode: 'open' | 'curated';
  licence: 'open' | 'licensed';
  minDataBps: number;
  contributionBond: string;
  licenceFee: string;
};

/** A policy in a request: the amounts and minimum data share default to 0. */
export type PolicyInput = Pick<PolicyView, 'contributionMode' | 'licence'> & Partial<PolicyView>;

/** The policy as DatanetRegistry encodes it. */
export function policyToChain(policy: PolicyInput) {
  return {
    contributionMode:
      policy.contributionMode === 'curated' ? ContributionMode.Curated : ContributionMode.Open,
    licence: policy.licence === 'licensed' ? Licence.Licensed : Licence.Open,
    minDataBps: policy.minDataBps ?? 0,
    contributionBond: BigInt(policy.contributionBond ?? 0),
    licenceFee: BigInt(policy.licenceFee ?? 0),
  };
}

/** A datanet metadata document's `metadataHash`: sha256 of its canonical JSON. */
export const metadataHashOf = (document: Record<string, unknown>): Hex =>
  sha256(toBytes(canonicalJson(document)));

export type DatanetView = {
  id: string;
  owner: Address;
  curators: Address[];
  metadataHash: string;
  metadata: Record<string, unknown> | null;
  policy: PolicyView;
  versionCount: number;
  createdAt: string;
};

export type ContributionStatus = 'pending' | 'accepted' | 'rejected' | 'removed';

export type ContributionView = {
  id: string;
  datanetId: string;
  contributor: Address;
  /** sha256 of the content, as the bytes32 the manifest commits to. */
  contentHash: Hex;
  filename: string;
  mediaType: string;
  bytes: number;
  tokens: number;
  status: ContributionStatus;
  createdAt: string;
  decidedAt: string | null;
  removedAt: string | null;
  removalReason: number | null;
};

export type VersionView = {
  datanetId: string;
  version: number;
  parentVersion: number;
  manifestRoot: Hex;
  manifestHash: Hex;
  contributionCount: number;
  tokenCount: number;
  status: 'pending' | 'committed' | 'failed';
  author: Address | null;
  blockNumber: string | null;
  committedAt: string | null;
  /** Contribution ids new in this version, and ids of the parent that it leaves out. */
  added: string[];
  removed: string[];
};

export type ProofView = {
  datanetId: string;
  version: number;
  manifestRoot: Hex;
  leaf: { contributionId: string; contributor: Address; contentHash: Hex };
  proof: Hex[];
};

export type HistoryEntry = {
  kind: 'created' | 'version' | 'removed' | 'owner' | 'policy' | 'metadata' | 'curator';
  blockNumber: string;
  time: string;
  txHash: Hex;
  details: Record<string, unknown>;
};

export type AccountView = {
  address: Address;
  /** The next nonce DatanetRegistry expects in this account's create-by-signature request. */
  createDatanetNonce: string;
  banned: boolean;
};

export type NodeInfo = {
  chainId: number;
  /** An RPC URL of the chain, for clients that send their own transactions. */
  rpcUrl: string;
  /** The node operator's address (its identity on-chain). */
  node: Address;
  /** The key that signs the node's receipts. */
  signer: Address;
  addresses: ProtocolAddresses;
  indexedBlock: string | null;
  limits: {
    maxUploadBytes: number;
    maxContributionsPerDay: number;
    maxBytesPerDay: number;
    maxMetadataPerDay: number;
  };
  /** The EIP-712 domains and types of every request a wallet signs for this node. */
  eip712: {
    /** DatanetRegistry's domain (create-datanet, contributions); the same as `domains.datanetRegistry`. */
    contributions: TypedDataDomain;
    /** The node's API domain (API keys); the same as `domains.nodeApi`. */
    apiKeys: TypedDataDomain;
    domains: { datanetRegistry: TypedDataDomain; nodeApi: TypedDataDomain };
    /** Every struct type, by name (CreateDatanet, Policy, Contribution, ApiKeyRequest). */
    types: Record<string, readonly { name: string; type: string }[]>;
    /** Which route takes which message. */
    requests: { method: string; path: string; domain: 'datanetRegistry' | 'nodeApi'; primaryType: string }[];
  };
};

/** An attribution result: contributions' shares in parts per million (summing to 1,000,000). */
export type AttributionView = {
  indexRoot: Hex;
  tokenizer: string;
  tokens: number;
  totalInformation: number;
  contributions: {
    contributionId: string;
    contributor: string;
    datanetId: string | null;
    ppm: number;
    information: number;
    spans: number[];
  }[];
  contributors: { contributor: string; ppm: number }[];
  spans: {
    tokenStart: number;
    tokenEnd: number;
    charStart: number;
    charEnd: number;
    text: string;
    count: number;
    information: number;
    contributions: string[];
    contributors: string[];
  }[];
};

export type ModelKind = 'infini-gram' | 'retrieval' | 'upstream';

/** A model build job ("training"). */
export type BuildView = {
  id: string;
  developer: Address;
  name: string;
  kind: ModelKind;
  params: Record<string, unknown>;
  datanets: { datanetId: string; version: number }[];
  status: 'queued' | 'running' | 'built' | 'failed';
  progress: { documentsDone: number; documentsTotal: number | null };
  artifactHash: Hex | null;
  configHash: Hex | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A model as a node's catalog lists it. */
export type CatalogModel = {
  id: string;
  name: string;
  version: number;
  kind: ModelKind;
  status: 'active' | 'deprecated' | 'delisted';
  developer: Address;
  artifactHash: Hex;
  configHash: Hex;
  pricing: { pricePerInputToken: string; pricePerOutputToken: string };
  split: { computeBps: number; developerBps: number; dataBps: number };
  datanets: { datanetId: string; version: number; manifestRoot: Hex }[];
  contextTokens: number;
  maxOutputTokens: number;
  /** Whether the node serves it now, and why not (see ServingState). */
  serving: ServingState;
};

/**
 * A served model's state on its node: `ready` (answers calls), `rebuilding` (its artifact is being
 * rebuilt from public snapshots after tampering or a takedown: calls get 503 until it is done), or
 * `refused` (not served: `code` and `reason` say why, e.g. a registration that does not match the
 * artifact). `takedowns` counts the contributions of its datanet versions taken down since its build.
 */
export type ServingState = {
  state: 'ready' | 'rebuilding' | 'refused';
  code: string | null;
  reason: string | null;
  takedowns: { count: number; root: Hex };
};

export type QuoteView = {
  model: string;
  inputTokens: number;
  maxOutputTokens: number;
  pricePerInputToken: string;
  pricePerOutputToken: string;
  maxCost: string;
  available?: string;
  covered?: boolean;
};

/**
 * A stored receipt with the node's signature; its id is the request id. `promptSalt` (the salt of
 * the input and output commitments) is given only to the payer.
 */
export type ReceiptView = { id: Hex; receiptHash: Hex; signature: Hex; receipt: Receipt; promptSalt?: Hex };

/** One call in the caller's own activity. */
export type ActivityEntry = {
  receiptId: Hex;
  time: string;
  epoch: string;
  /** Only in the payer's own view. */
  payer?: string;
  modelId: string;
  modelVersion: number;
  inputTokens: number;
  outputTokens: number;
  fee: string;
  /** The caller's share of the call (contributor and developer views). */
  earned?: string;
};

/** A model's usage on one UTC day: what the public sees. */
export type ModelUsageDay = {
  day: string;
  modelId: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  fees: string;
};

/** What an account can claim from one node. */
export type RewardsView = {
  node: Address;
  account: Address;
  claimed: string;
  claimable: { epoch: string; cumulativeAmount: string; amount: string; proof: Hex[] } | null;
  pending: { epoch: string; cumulativeAmount: string } | null;
};
