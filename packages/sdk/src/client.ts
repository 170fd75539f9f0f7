/**
 * A client of one Tributary node: it signs what needs the wallet's signature (EIP-712) and sends
 * the requests. Every method throws `TributaryApiError` with the node's error code on failure.
 */

import type {
  AccountView,
  ActivityEntry,
  AttributionView,
  BuildView,
  CatalogModel,
  ContributionView,
  DatanetView,
  EpochData,
  HistoryEntry,
  ModelUsageDay,
  NodeInfo,
  PolicyInput,
  ProofView,
  QuoteView,
  ReceiptView,
  RewardsView,
  Split,
  VersionView,
} from '@tributary/protocol';
import {
  apiKeyRequestTypes,
  contributionTypes,
  createDatanetTypes,
  datanetRegistryDomain,
  filenameProblem,
  metadataHashOf,
  nodeApiDomain,
  normalizeFilename,
  policyToChain,
} from '@tributary/protocol';
import { type Address, bytesToHex, type Hex, type LocalAccount, sha256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { chainNow } from './chainTime.js';
import { TributaryApiError } from './errors.js';
import { createGovernanceActions } from './governance.js';
import {
  challengeOnChain,
  claimOnChain,
  depositAndAuthorize,
  postBondOnChain,
  registerModelOnChain,
} from './models.js';

export type CreateTributaryClientParameters = {
  /** The node's base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  /** The wallet that signs (a viem local account or a private key); optional for reading. */
  account?: LocalAccount | Hex;
  /** An API key from `login`, if you have one. */
  apiKey?: string;
};

/** Seconds from now, as a uint256 deadline. */
const deadlineIn = (seconds: number) => BigInt(Math.floor(Date.now() / 1000) + seconds);
/** A random uint256 nonce (the node refuses a nonce it has seen from the signer). */
const randomNonce = () => BigInt(bytesToHex(crypto.getRandomValues(new Uint8Array(16))));

/**
 * Creates a client.
 *
 * @example
 * const client = createTributaryClient({ url: 'http://127.0.0.1:8787', account: privateKey });
 * await client.login();
 * const datanet = await client.createDatanet({ metadata: { name: 'Rivers' }, policy: { contributionMode: 'open', licence: 'open' } });
 */
export function createTributaryClient(parameters: CreateTributaryClientParameters) {
  const base = parameters.url.replace(/\/$/, '');
  const account =
    typeof parameters.account === 'string' ? privateKeyToAccount(parameters.account) : parameters.account;
  let apiKey = parameters.apiKey;
  let info: NodeInfo | undefined;

  const needAccount = () => {
    if (!account) throw new Error('this action needs a wallet: create the client with `account`');
    return account;
  };

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    init: { auth?: boolean; raw?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (apiKey && init.auth !== false) headers.authorization = `Bearer ${apiKey}`;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    }
    const response = await fetch(`${base}${path}`, { method, headers, body: payload });
    if (!response.ok) {
      const parsed = (await response.json().catch(() => undefined)) as
        | { error?: { code?: string; message?: string; details?: string[] } }
        | undefined;
      throw new TributaryApiError(
        response.status,
        parsed?.error,
        `${method} ${path} failed with ${response.status}`,
      );
    }
    if (response.status === 204) return undefined as T;
    return (init.raw ? await response.text() : await response.json()) as T;
  }

  const nodeInfo = async () => (info ??= await request<NodeInfo>('GET', '/v1/info'));
  const getBuild = (id: string) => request<BuildView>('GET', `/v1/models/builds/${id}`);
  const catalog = async () => (await request<{ models: CatalogModel[] }>('GET', '/v1/models/catalog')).models;
  const rewards = (address: Address) => request<RewardsView>('GET', `/v1/rewards/${address}`);
  const getAccount = (address: Address) => request<AccountView>('GET', `/v1/accounts/${address}`);

  return {
    /** Governance: delegate, propose, vote, queue, execute, claim voter rewards, and the views. */
    ...createGovernanceActions({
      nodeInfo,
      needAccount,
      request: (method, path, body) => request(method, path, body),
    }),
    /** The account that signs, if any. */
    account,
    /** The API key in use. */
    get apiKey() {
      return apiKey;
    },
    /** Lower-level access to the node's REST API. */
    request,
    /** The node's chain, addresses and signing domains. */
    info: nodeInfo,

    /** Proves the wallet to the node (EIP-712) and keeps the API key it issues. */
    async login({ label = 'sdk' }: { label?: string } = {}): Promise<string> {
      const signer = needAccount();
      const { chainId, node } = await nodeInfo();
      const message = { account: signer.address, label, nonce: randomNonce(), deadline: deadlineIn(600) };
      const signature = await signer.signTypedData({
        domain: nodeApiDomain({ chainId, node }),
        types: apiKeyRequestTypes,
        primaryType: 'ApiKeyRequest',
        message,
      });
      const issued = await request<{ key: string }>(
        'POST',
        '/v1/auth/keys',
        { ...message, signature },
        { auth: false },
      );
      apiKey = issued.key;
      return issued.key;
    },

    /** Creates a datanet owned by the wallet, relayed by the node (which becomes its curator by default). */
    async createDatanet(args: {
      metadata: Record<string, unknown>;
      policy: PolicyInput;
      curator?: Address;
    }): Promise<DatanetView> {
      const signer = needAccount();
      const { chainId, addresses, node } = await nodeInfo();
      // The node stores the document only once this signature verifies.
      const metadataHash = metadataHashOf(args.metadata);
      const policy = { minDataBps: 0, contributionBond: '0', licenceFee: '0', ...args.policy };
      // The nonce comes from the registry through the node, so the signature matches on-chain.
      const message = {
        owner: signer.address,
        metadataHash,
        policy: policyToChain(policy),
        curator: args.curator ?? node,
        nonce: BigInt((await getAccount(signer.address)).createDatanetNonce),
        deadline: (await chainNow((await nodeInfo()).rpcUrl)) + 600n, // checked on-chain
      };
      const signature = await signer.signTypedData({
        domain: datanetRegistryDomain({ chainId, verifyingContract: addresses.datanetRegistry }),
        types: createDatanetTypes,
        primaryType: 'CreateDatanet',
        message,
      });
      return request<DatanetView>('POST', '/v1/datanets', {
        owner: signer.address,
        metadata: args.metadata,
        policy,
        curator: message.curator,
        nonce: message.nonce,
        deadline: message.deadline,
        signature,
      });
    },

    /** Uploads a file to a datanet, signed by the wallet. */
    async contribute(args: {
      datanetId: string | bigint;
      filename: string;
      content: string | Uint8Array;
      nonce?: bigint;
      deadline?: bigint;
    }): Promise<ContributionView> {
      const signer = needAccount();
      const { chainId, addresses } = await nodeInfo();
      const bytes = typeof args.content === 'string' ? new TextEncoder().encode(args.content) : args.content;
      const filename = normalizeFilename(args.filename);
      const problem = filenameProblem(filename);
      if (problem) throw new Error(`the filename ${JSON.stringify(filename)} ${problem}`);
      const message = {
        datanetId: BigInt(args.datanetId),
        contentHash: sha256(bytes),
        filename,
        nonce: args.nonce ?? randomNonce(),
        deadline: args.deadline ?? deadlineIn(600),
      };
      const signature = await signer.signTypedData({
        domain: datanetRegistryDomain({ chainId, verifyingContract: addresses.datanetRegistry }),
        types: contributionTypes,
        primaryType: 'Contribution',
        message,
      });
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(bytes)]), filename);
      form.set('contributor', signer.address);
      form.set('nonce', message.nonce.toString());
      form.set('deadline', message.deadline.toString());
      form.set('signature', signature);
      return request<ContributionView>('POST', `/v1/datanets/${args.datanetId}/contributions`, form);
    },

    /** Posts a curated datanet's contribution bond for `content` (before uploading it); returns the amount (0: none asked). */
    async postBond(args: { datanetId: string | bigint; content: string | Uint8Array }) {
      const bytes = typeof args.content === 'string' ? new TextEncoder().encode(args.content) : args.content;
      return postBondOnChain({
        info: await nodeInfo(),
        account: needAccount(),
        datanetId: BigInt(args.datanetId),
        contentHash: sha256(bytes),
      });
    },
    /** Starts a model build ("training") from exact datanet versions. */
    buildModel: (args: {
      name: string;
      kind: BuildView['kind'];
      datanets: { datanetId: string; version: number }[];
      params?: Record<string, unknown>;
    }) => request<BuildView>('POST', '/v1/models/builds', { ...args, params: args.params ?? {} }),
    getBuild,
    /** Polls a build until it is built (or failed: then throws with its error). */
    async waitForBuild(
      id: string,
      { onProgress, timeoutMs = 600_000 }: { onProgress?: (b: BuildView) => void; timeoutMs?: number } = {},
    ) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const build = await getBuild(id);
        onProgress?.(build);
        if (build.status === 'built') return build;
        if (build.status === 'failed')
          throw new TributaryApiError(
            409,
            { code: 'BUILD_FAILED', message: `build ${id} failed`, details: [build.error ?? ''] },
            'build failed',
          );
        if (Date.now() > deadline) throw new Error(`build ${id} did not finish in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    /**
     * Registers a built model in ModelRegistry from the wallet (paying licence fees), then waits
     * until the node serves it.
     */
    async registerModel(args: {
      build: BuildView;
      pricing: { pricePerInputToken: bigint; pricePerOutputToken: bigint };
      split: Split;
    }) {
      const signer = needAccount();
      if (!args.build.artifactHash || !args.build.configHash) throw new Error('the build is not finished');
      const { modelId } = await registerModelOnChain({
        info: await nodeInfo(),
        account: signer,
        artifactHash: args.build.artifactHash,
        configHash: args.build.configHash,
        datanets: args.build.datanets,
        pricing: args.pricing,
        split: args.split,
      });
      for (let i = 0; i < 100; i++) {
        const served = (await catalog()).find((m) => m.id === modelId);
        if (served) return served;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the node does not serve model ${modelId} yet`);
    },
    /** What `address` can claim from this node, with the Merkle proof. */
    rewards,
    /** Claims the wallet's (or `account`'s) final rewards from this node; returns the amount paid. */
    async claimRewards(args: { account?: Address } = {}) {
      const signer = needAccount();
      const info = await nodeInfo();
      const view = await rewards(args.account ?? signer.address);
      if (!view.claimable) return 0n;
      await claimOnChain({ info, account: signer, rewards: view });
      return BigInt(view.claimable.amount);
    },
    /** Challenges an epoch of a node within its window (posts the challenge bond from the wallet). */
    async challengeEpoch(args: { node?: Address; epoch: bigint; evidenceHash: Hex }) {
      const info = await nodeInfo();
      return challengeOnChain({
        info,
        account: needAccount(),
        node: args.node ?? info.node,
        epoch: args.epoch,
        evidenceHash: args.evidenceHash,
      });
    },
    /** The data a node published for an epoch (to re-check it with `verifyEpoch`). */
    epochData: (epoch: number | bigint) => request<EpochData>('GET', `/v1/epochs/${epoch}/data`),
    /** Operator only: closes the open epoch and settles what is due. */
    runSettlement: (args: { close?: boolean } = {}) =>
      request<{ settled: string[] }>('POST', '/v1/settlement/run', { close: args.close ?? true }),
    catalog,
    /** Deposits into PaymentEscrow (by permit) and authorizes this node to charge up to `cap`. */
    async fundCalls(args: { amount: bigint; cap: bigint; duration?: number }) {
      await depositAndAuthorize({ info: await nodeInfo(), account: needAccount(), ...args });
    },
    quote: (args: {
      model: string;
      prompt?: string;
      messages?: { role: 'system' | 'user' | 'assistant'; content: string }[];
      max_tokens?: number;
    }) => request<QuoteView>('POST', '/v1/quote', args),
    /** A receipt; with the payer's API key it carries `promptSalt` (to check the input and output hashes). */
    getReceipt: (id: string) => request<ReceiptView>('GET', `/v1/receipts/${id}`),
    /**
     * The logged-in account's activity: its calls (as payer, the default), or its shares of calls as
     * contributor or developer. Only your own; public usage is `modelUsage`.
     */
    activity: async (
      filter: {
        as?: 'payer' | 'contributor' | 'developer';
        model?: string;
        /** Your own address, as a filter (the node refuses another's). */
        payer?: string;
        contributor?: string;
        developer?: string;
      } = {},
    ) =>
      (
        await request<{ activity: ActivityEntry[] }>(
          'GET',
          `/v1/activity?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][])}`,
        )
      ).activity,
    /** A model's calls, tokens and fees by day (public). */
    modelUsage: async (modelId: string) =>
      (await request<{ usage: ModelUsageDay[] }>('GET', `/v1/models/${modelId}/usage`)).usage,
    getAccount,
    getDatanet: (id: string | bigint) => request<DatanetView>('GET', `/v1/datanets/${id}`),
    listDatanets: async () => (await request<{ datanets: DatanetView[] }>('GET', '/v1/datanets')).datanets,
    datanetHistory: async (id: string | bigint) =>
      (await request<{ history: HistoryEntry[] }>('GET', `/v1/datanets/${id}/history`)).history,
    listContributions: async (datanetId: string | bigint, status?: ContributionView['status']) =>
      (
        await request<{ contributions: ContributionView[] }>(
          'GET',
          `/v1/datanets/${datanetId}/contributions${status ? `?status=${status}` : ''}`,
        )
      ).contributions,
    getContribution: (id: string | bigint) => request<ContributionView>('GET', `/v1/contributions/${id}`),
    /** The text of a contribution (licensed datanets need a login with access). */
    getContent: (id: string | bigint) =>
      request<string>('GET', `/v1/contributions/${id}/content`, undefined, { raw: true }),
    review: (args: {
      contributionId: string | bigint;
      decision: 'accept' | 'reject';
      forfeitBond?: boolean;
    }) =>
      request<ContributionView>('POST', `/v1/contributions/${args.contributionId}/review`, {
        decision: args.decision,
        forfeitBond: args.forfeitBond,
      }),
    takedown: (args: { contributionId: string | bigint; reason?: number }) =>
      request<{ contribution: ContributionView; version: VersionView | null }>(
        'DELETE',
        `/v1/contributions/${args.contributionId}`,
        {
          reason: args.reason,
        },
      ),
    /** Which of a datanet's contributions `text` came from, in parts per million (its live index). */
    attribute: (args: { datanetId: string | bigint; text: string; minLength?: number }) =>
      request<AttributionView>('POST', `/v1/datanets/${args.datanetId}/attribute`, {
        text: args.text,
        minLength: args.minLength,
      }),
    commitVersion: (datanetId: string | bigint) =>
      request<VersionView>('POST', `/v1/datanets/${datanetId}/versions`),
    listVersions: async (datanetId: string | bigint) =>
      (await request<{ versions: VersionView[] }>('GET', `/v1/datanets/${datanetId}/versions`)).versions,
    getVersion: (datanetId: string | bigint, version: number) =>
      request<VersionView>('GET', `/v1/datanets/${datanetId}/versions/${version}`),
    getProof: (datanetId: string | bigint, version: number, contributionId: string | bigint) =>
      request<ProofView>('GET', `/v1/datanets/${datanetId}/versions/${version}/proofs/${contributionId}`),
    getSnapshot: (datanetId: string | bigint, version: number) =>
      request<string>('GET', `/v1/datanets/${datanetId}/versions/${version}/snapshot.jsonl`, undefined, {
        raw: true,
      }),
  };
}

export type TributaryClient = ReturnType<typeof createTributaryClient>;
