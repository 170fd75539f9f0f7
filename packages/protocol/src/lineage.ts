/**
 * A model version's lineage, for auditors and regulators: the exact datanet versions it was
 * built from (manifest roots, the transactions that committed them, contributors, licences,
 * takedowns), who developed and who serves it, its artifact hash and how to rebuild it, the
 * governance decisions that touched it, and what its calls paid to whom. Any node produces it
 * from the chain and public data (`GET /v1/models/:id/lineage`); `verifyLineage` re-reads every
 * on-chain claim in it; `lineageReport` prints it for people.
 */
import type { Address, Hex } from 'viem';

export const LINEAGE_FORMAT = 'tributary-lineage/1';

/** Where something happened on-chain. */
export type ChainRef = { txHash: Hex; blockNumber: string; time: string };

export type LineageContribution = {
  contributionId: string;
  contributor: Address;
  /** sha256 of the content (a leaf of the manifest tree with id and contributor). */
  contentHash: Hex;
  tokens: number;
  /** Taken down since the version was committed. */
  removed: boolean;
};

export type LineageDatanet = {
  datanetId: string;
  version: number;
  name: string | null;
  owner: Address;
  licence: 'open' | 'licensed';
  /** What the datanet's policy charges a model (token base units), and what this model paid. */
  licenceFee: string;
  licencePaid: (ChainRef & { fee: string }) | null;
  manifestRoot: Hex;
  manifestHash: Hex;
  contributionCount: number;
  tokenCount: number;
  committed: ChainRef & { by: Address };
  /** A node hosting its content (this one, or one found through NodeRegistry), and its snapshot. */
  host: { operator: Address; endpoint: string } | null;
  snapshotUrl: string | null;
  /** Every contribution of the version, in id order (null when no host could be read). */
  contributions: LineageContribution[] | null;
  contributors: { contributor: Address; contributions: number; tokens: number }[] | null;
  /** Contributions of this version taken down on-chain (ContributionRemoved), oldest first. */
  takedowns: (ChainRef & { contributionId: string; reasonCode: number; reason: string; by: Address })[];
};

/** A governance proposal, as the governor's events tell it. */
export type LineageProposal = {
  proposalId: string;
  proposer: Address;
  description: string;
  /** created, queued, executed or canceled: the latest the governor emitted. */
  state: string;
  created: ChainRef;
  /** The calls it makes that touch this model (decoded: contract, function, arguments). */
  calls: { contract: string; functionName: string; args: string[] }[];
};

export type LineageGovernanceEvent = ChainRef & {
  kind: 'model-status' | 'contributor-ban' | 'node-slash' | 'proposal';
  summary: string;
  /** The proposal behind the event, when governance executed it (or the proposal itself). */
  proposal: LineageProposal | null;
};

export type LineageAmounts = { calls: number; fees: string };

export type LineageUsage = {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Fees charged (token base units) and how receipts split them. */
  fees: string;
  shares: { protocol: string; compute: string; developer: string; dataAttributed: string; dataPool: string };
  byEpochStatus: { settled: LineageAmounts; pending: LineageAmounts; voided: LineageAmounts };
  epochs: { epoch: string; status: string; calls: number; fees: string; settled: ChainRef | null }[];
  /** Attributed data shares per contributor (the pool is divided at epoch level). */
  contributors: { contributor: Address; calls: number; amount: string }[];
};

export type ModelLineage = {
  format: typeof LINEAGE_FORMAT;
  generatedAt: string;
  /** The node that produced this document. */
  generatedBy: Address;
  chainId: number;
  contracts: {
    modelRegistry: Address;
    datanetRegistry: Address;
    nodeRegistry: Address;
    rewardDistributor: Address;
    governor: Address;
  };
  model: {
    id: string;
    version: number;
    /** Versions the model has (this document is about `version`). */
    versionCount: number;
    name: string | null;
    kind: string | null;
    params: Record<string, unknown> | null;
    tokenizer: string | null;
    /** Contributions left out of the build (taken down before it). */
    excluded: string[] | null;
    status: 'active' | 'deprecated' | 'delisted';
    developer: Address;
    artifactHash: Hex;
    configHash: Hex;
    pricing: { pricePerInputToken: string; pricePerOutputToken: string };
    split: { computeBps: number; developerBps: number; dataBps: number };
    registered: ChainRef;
    published: ChainRef;
  };
  servingNode: { operator: Address; endpoint: string | null; signingKey: Address | null };
  datanets: LineageDatanet[];
  rebuild: {
    /** The model's configuration (model.json), served by a node holding the artifact. */
    configUrl: string | null;
    snapshotUrls: string[];
    steps: string[];
  };
  governance: LineageGovernanceEvent[];
  /** Calls and payouts; only the serving node has the receipts (null elsewhere: see usageFrom). */
  usage: LineageUsage | null;
  /** Where the usage figures come from (the serving node's lineage URL). */
  usageFrom: string | null;
};

/** ContributionRemoved reason codes by name. */
export const REMOVAL_REASONS: Record<number, string> = {
  1: 'contributor request',
  2: 'copyright',
  3: 'privacy',
  4: 'quality',
  5: 'legal',
  6: 'other',
};
