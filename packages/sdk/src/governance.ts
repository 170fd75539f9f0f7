/**
 * Governance in one call each: delegate, propose from templates, vote (with a reason, or by
 * EIP-712 signature that anyone relays), queue, execute and claim voter rewards. Before sending,
 * each step checks the proposal's state and, when the step is not open yet, throws an error that
 * names the state and when the step opens.
 */
import {
  ballotTypes,
  type ContributionView,
  createProtocolClients,
  decodeProposalActions,
  descriptionHash,
  encodeProposal,
  extendedBallotTypes,
  formatTokens,
  type GovernanceAccountView,
  type GovernanceParametersView,
  governanceRewardsAbi,
  governorDomain,
  largestRemainder,
  modelRegistryAbi,
  type NodeInfo,
  nextStep,
  PROPOSAL_STATES,
  type ProposalAction,
  type ProposalStateName,
  type ProposalSummaryView,
  type ProposalTemplateInput,
  type ProposalView,
  proposalDescription,
  proposalIdOf,
  TributaryError,
  tributaryGovernorAbi,
  tributaryTimelockAbi,
  tributaryTokenAbi,
  type VoteChoice,
  VoteSupport,
  writeAndWait,
} from '@tributary/protocol';
import { type Address, type Hex, type LocalAccount, parseEventLogs } from 'viem';

/** Thrown when a governance step is not possible now; `details` say why and when it opens. */
export class GovernanceError extends TributaryError {
  override name = 'GovernanceError';
}

type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export type GovernanceActionsParameters = {
  nodeInfo: () => Promise<NodeInfo>;
  request: Request;
  needAccount: () => LocalAccount;
};

/** A ballot signed by a voter, for anyone to relay with `relayVote`. */
export type SignedVote = {
  proposalId: bigint;
  support: VoteChoice;
  voter: Address;
  reason: string;
  signature: Hex;
};

export type ProposeParameters = {
  title: string;
  /** Why, in the proposer's words (the actions' plain words are appended). */
  body?: string;
  templates: readonly ProposalTemplateInput[];
};

/** The governance methods of a client (spread into `createTributaryClient`). */
export function createGovernanceActions({ nodeInfo, request, needAccount }: GovernanceActionsParameters) {
  const clients = async (account: LocalAccount = needAccount()) => {
    const info = await nodeInfo();
    return {
      info,
      ...(await createProtocolClients({
        rpcUrl: info.rpcUrl,
        account,
        chainId: info.chainId,
        pollingInterval: 100,
      })),
    };
  };
  const governor = (info: NodeInfo) =>
    ({ address: info.addresses.governor, abi: tributaryGovernorAbi }) as const;

  const getProposal = (id: bigint | string) => request<ProposalView>('GET', `/v1/governance/proposals/${id}`);
  const getGovernanceAccount = (address: Address) =>
    request<GovernanceAccountView>('GET', `/v1/governance/accounts/${address}`);

  /** The proposal's state now and, if `wanted` is not it, an error naming when the step opens. */
  async function requireState(
    c: Awaited<ReturnType<typeof clients>>,
    id: bigint,
    wanted: ProposalStateName,
    step: string,
  ) {
    const { publicClient, info } = c;
    const g = governor(info);
    const [stateNumber, voteStart, voteEnd, eta, delay, block] = await Promise.all([
      publicClient.readContract({ ...g, functionName: 'state', args: [id] }).catch(() => null),
      publicClient.readContract({ ...g, functionName: 'proposalSnapshot', args: [id] }),
      publicClient.readContract({ ...g, functionName: 'proposalDeadline', args: [id] }),
      publicClient.readContract({ ...g, functionName: 'proposalEta', args: [id] }),
      publicClient.readContract({
        address: info.addresses.timelock,
        abi: tributaryTimelockAbi,
        functionName: 'getMinDelay',
      }),
      publicClient.getBlock({ blockTag: 'latest' }),
    ]);
    if (stateNumber === null) {
      throw new GovernanceError({
        code: 'PROPOSAL_UNKNOWN',
        message: `there is no proposal ${id}`,
        details: ['list proposals with `tributary gov list`'],
      });
    }
    const state = PROPOSAL_STATES[stateNumber]!;
    const now = Number(block.timestamp);
    const next = nextStep({
      state,
      voteStart: Number(voteStart),
      voteEnd: Number(voteEnd),
      eta: eta === 0n ? null : Number(eta),
      timelockDelay: Number(delay),
      now,
    });
    const executeTooEarly = wanted === 'Queued' && state === 'Queued' && eta > BigInt(now);
    if (state !== wanted || executeTooEarly) {
      throw new GovernanceError({
        code: `PROPOSAL_${state.toUpperCase()}`,
        message: `cannot ${step} proposal ${id}: it is ${state}`,
        details: [`next: ${next.message}`],
      });
    }
    return state;
  }

  async function sendVote(c: Awaited<ReturnType<typeof clients>>, vote: SignedVote) {
    const g = governor(c.info);
    const support = VoteSupport[vote.support];
    return vote.reason
      ? writeAndWait(c, {
          ...g,
          functionName: 'castVoteWithReasonAndParamsBySig',
          args: [vote.proposalId, support, vote.voter, vote.reason, '0x', vote.signature],
        })
      : writeAndWait(c, {
          ...g,
          functionName: 'castVoteBySig',
          args: [vote.proposalId, support, vote.voter, vote.signature],
        });
  }

  async function signVote(args: {
    proposalId: bigint | string;
    support: VoteChoice;
    reason?: string;
  }): Promise<SignedVote> {
    const account = needAccount();
    const { info, publicClient } = await clients(account);
    const proposalId = BigInt(args.proposalId);
    const nonce = await publicClient.readContract({
      ...governor(info),
      functionName: 'nonces',
      args: [account.address],
    });
    const domain = governorDomain({ chainId: info.chainId, verifyingContract: info.addresses.governor });
    const base = { proposalId, support: VoteSupport[args.support], voter: account.address, nonce };
    const reason = args.reason ?? '';
    const signature = reason
      ? await account.signTypedData({
          domain,
          types: extendedBallotTypes,
          primaryType: 'ExtendedBallot',
          message: { ...base, reason, params: '0x' },
        })
      : await account.signTypedData({ domain, types: ballotTypes, primaryType: 'Ballot', message: base });
    return { proposalId, support: args.support, voter: account.address, reason, signature };
  }

  async function proposalActions(id: bigint): Promise<{ actions: ProposalAction[]; hash: Hex }> {
    const view = await getProposal(id);
    return {
      actions: view.actions.map((a) => ({ target: a.target, value: BigInt(a.value), data: a.data })),
      hash: view.descriptionHash,
    };
  }

  const asArgs = (actions: ProposalAction[], hash: Hex) =>
    [actions.map((a) => a.target), actions.map((a) => a.value), actions.map((a) => a.data), hash] as const;

  return {
    /** Delegates the wallet's votes to `to` (itself by default): tokens vote only once delegated. */
    async delegate(args: { to?: Address } = {}) {
      const c = await clients();
      const receipt = await writeAndWait(c, {
        address: c.info.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'delegate',
        args: [args.to ?? c.account.address],
      });
      return { txHash: receipt.transactionHash, delegate: args.to ?? c.account.address };
    },

    /**
     * Files a proposal made of templates; its description carries the title, the body and each
     * action in plain words. Waits until the node has indexed it and returns its view.
     */
    async propose(args: ProposeParameters): Promise<ProposalView> {
      const c = await clients();
      const { info, publicClient, account } = c;
      const actions = await encodeProposal({
        templates: args.templates,
        addresses: info.addresses,
        publicClient,
      });
      const decoded = decodeProposalActions({ actions, addresses: info.addresses });
      const description = proposalDescription({ title: args.title, body: args.body }, decoded);
      const g = governor(info);
      const now = (await publicClient.getBlock({ blockTag: 'latest' })).timestamp;
      const [votes, threshold] = await Promise.all([
        publicClient.readContract({ ...g, functionName: 'getVotes', args: [account.address, now - 1n] }),
        publicClient.readContract({ ...g, functionName: 'proposalThreshold' }),
      ]);
      if (votes < threshold) {
        throw new GovernanceError({
          code: 'PROPOSER_BELOW_THRESHOLD',
          message: `proposing needs ${formatTokens(threshold)} of votes; ${account.address} has ${formatTokens(votes)}`,
          details: ['delegate votes to this account first (`tributary gov delegate`), then wait one second'],
        });
      }
      const proposalId = proposalIdOf(actions, description);
      const receipt = await writeAndWait(c, {
        ...g,
        functionName: 'propose',
        args: [
          actions.map((a) => a.target),
          actions.map((a) => a.value),
          actions.map((a) => a.data),
          description,
        ],
      });
      return waitForIndexed(() => getProposal(proposalId), receipt.transactionHash);
    },

    /** Votes for, against or abstaining, with an optional reason shown to everyone. */
    async castVote(args: { proposalId: bigint | string; support: VoteChoice; reason?: string }) {
      const c = await clients();
      const id = BigInt(args.proposalId);
      await requireState(c, id, 'Active', 'vote on');
      const g = governor(c.info);
      const support = VoteSupport[args.support];
      const receipt = args.reason
        ? await writeAndWait(c, {
            ...g,
            functionName: 'castVoteWithReason',
            args: [id, support, args.reason],
          })
        : await writeAndWait(c, { ...g, functionName: 'castVote', args: [id, support] });
      return { txHash: receipt.transactionHash };
    },

    /** Signs a vote (EIP-712) without sending anything: anyone can relay it with `relayVote`. */
    signVote,

    /** Relays a signed vote from this client's wallet (which pays the gas). */
    async relayVote(vote: SignedVote) {
      const c = await clients();
      await requireState(c, vote.proposalId, 'Active', 'vote on');
      return { txHash: (await sendVote(c, vote)).transactionHash };
    },

    /** Signs a vote with the wallet and has `relayer` (another wallet; default the same) send it. */
    async castVoteBySig(args: {
      proposalId: bigint | string;
      support: VoteChoice;
      reason?: string;
      relayer?: LocalAccount;
    }) {
      const vote = await signVote(args);
      const c = await clients(args.relayer ?? needAccount());
      await requireState(c, vote.proposalId, 'Active', 'vote on');
      return { txHash: (await sendVote(c, vote)).transactionHash, vote };
    },

    /** Queues a proposal that passed; the timelock's delay starts. */
    async queue(args: { proposalId: bigint | string }) {
      const c = await clients();
      const id = BigInt(args.proposalId);
      await requireState(c, id, 'Succeeded', 'queue');
      const { actions, hash } = await proposalActions(id);
      const receipt = await writeAndWait(c, {
        ...governor(c.info),
        functionName: 'queue',
        args: asArgs(actions, hash),
      });
      return { txHash: receipt.transactionHash };
    },

    /** Executes a queued proposal once the timelock's delay has passed. */
    async execute(args: { proposalId: bigint | string }) {
      const c = await clients();
      const id = BigInt(args.proposalId);
      await requireState(c, id, 'Queued', 'execute');
      const { actions, hash } = await proposalActions(id);
      const receipt = await writeAndWait(c, {
        ...governor(c.info),
        functionName: 'execute',
        args: asArgs(actions, hash),
      });
      return { txHash: receipt.transactionHash };
    },

    /** Claims every voter reward the wallet (or `account`, paid to it) can claim now; returns the amount paid. */
    async claimVoterRewards(args: { account?: Address } = {}) {
      const c = await clients();
      const voter = args.account ?? c.account.address;
      const view = await getGovernanceAccount(voter);
      if (view.rewards.claimable.length === 0)
        return { amount: 0n, claims: [] as string[], txHashes: [] as Hex[] };
      const rewards = { address: c.info.addresses.governanceRewards, abi: governanceRewardsAbi } as const;
      const receipts =
        voter === c.account.address
          ? [
              await writeAndWait(c, {
                ...rewards,
                functionName: 'claimMany',
                args: [view.rewards.claimable.map((r) => BigInt(r.proposalId))],
              }),
            ]
          : await Promise.all(
              view.rewards.claimable.map((r) =>
                writeAndWait(c, { ...rewards, functionName: 'claim', args: [BigInt(r.proposalId), voter] }),
              ),
            );
      const paid = receipts.flatMap((r) =>
        parseEventLogs({ abi: governanceRewardsAbi, eventName: 'VoterRewarded', logs: r.logs }),
      );
      return {
        amount: paid.reduce((s, e) => s + e.args.amount, 0n),
        claims: paid.map((e) => e.args.proposalId.toString()),
        txHashes: receipts.map((r) => r.transactionHash),
      };
    },

    /**
     * A model's developer offers it to community governance (or withdraws the offer before it is
     * adopted), with floors governance may not push the compute and developer shares below.
     * A proposal (`adopt-model`) then adopts it.
     */
    async offerModelToCommunity(args: {
      modelId: bigint | string;
      minComputeBps: number;
      minDeveloperBps: number;
      offered?: boolean;
    }) {
      const c = await clients();
      const receipt = await writeAndWait(c, {
        address: c.info.addresses.modelRegistry,
        abi: modelRegistryAbi,
        functionName: 'offerCommunityGovernance',
        args: [
          BigInt(args.modelId),
          args.offered ?? true,
          { minComputeBps: args.minComputeBps, minDeveloperBps: args.minDeveloperBps },
        ],
      });
      return { txHash: receipt.transactionHash };
    },

    /**
     * A treasury grant to a datanet's contributors, split by the tokens of their accepted
     * contributions (largest remainder, in address order: it sums exactly to `amount`).
     */
    async datanetGrant(args: { datanetId: string | bigint; amount: bigint }): Promise<ProposalTemplateInput> {
      const { contributions } = await request<{ contributions: ContributionView[] }>(
        'GET',
        `/v1/datanets/${args.datanetId}/contributions?status=accepted`,
      );
      const tokens = new Map<Address, bigint>();
      for (const c of contributions)
        tokens.set(c.contributor, (tokens.get(c.contributor) ?? 0n) + BigInt(c.tokens));
      const accounts = [...tokens.keys()].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      if (accounts.length === 0) {
        throw new GovernanceError({
          code: 'DATANET_HAS_NO_CONTRIBUTORS',
          message: `datanet ${args.datanetId} has no accepted contributions to pay`,
        });
      }
      const amounts = largestRemainder({ amount: args.amount, weights: accounts.map((a) => tokens.get(a)!) });
      return {
        kind: 'treasury-grant',
        recipients: accounts
          .map((account, i) => ({ account, amount: amounts[i]! }))
          .filter((r) => r.amount > 0n),
      };
    },

    /** Proposals, newest first (optionally one state). */
    proposals: async (args: { state?: ProposalStateName } = {}) =>
      (
        await request<{ proposals: ProposalSummaryView[] }>(
          'GET',
          `/v1/governance/proposals${args.state ? `?state=${args.state}` : ''}`,
        )
      ).proposals,
    getProposal,
    /** Voting power, delegate, votes and voter rewards of `address`. */
    getGovernanceAccount,
    governanceParameters: () => request<GovernanceParametersView>('GET', '/v1/governance/parameters'),
    /** The hash `queue` and `execute` need for a description. */
    descriptionHash,
  };
}

/** Polls until the node has indexed what a transaction created. */
async function waitForIndexed<T>(read: () => Promise<T>, txHash: Hex, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if ((error as { status?: number }).status !== 404 || Date.now() > deadline) {
        if ((error as { status?: number }).status === 404)
          throw new GovernanceError({
            code: 'NOT_INDEXED',
            message: `transaction ${txHash} was mined but the node has not indexed it in ${timeoutMs / 1000} s`,
          });
        throw error;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
