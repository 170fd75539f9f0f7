/**
 * Governance from the chain (the truth; the node has no governance index yet): proposals from
 * the Governor's ProposalCreated events with their state and tally, an account's votes and
 * delegate, and writes through the connected wallet.
 */
import {
  createProtocolClients,
  type NodeInfo,
  tributaryGovernorAbi,
  tributaryTokenAbi,
  writeAndWait,
} from '@tributary/protocol';
import { walletAccount } from '@tributary/sdk';
import {
  type Address,
  createPublicClient,
  type EIP1193Provider,
  type Hex,
  http,
  keccak256,
  toBytes,
} from 'viem';

export const STATES = [
  'Pending',
  'Active',
  'Canceled',
  'Defeated',
  'Succeeded',
  'Queued',
  'Expired',
  'Executed',
] as const;
export type ProposalState = (typeof STATES)[number];

export type Proposal = {
  id: bigint;
  proposer: Address;
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
  voteEnd: bigint;
  state: ProposalState;
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  /** Each vote cast, in order, with the voter's reason. */
  ballots: { voter: Address; support: number; weight: bigint; reason: string }[];
};

const reader = (info: NodeInfo) => createPublicClient({ transport: http(info.rpcUrl) });
const governor = (info: NodeInfo) =>
  ({ address: info.addresses.governor, abi: tributaryGovernorAbi }) as const;

/** Every proposal, newest first. */
export async function listProposals(info: NodeInfo): Promise<Proposal[]> {
  const client = reader(info);
  const [logs, votes] = await Promise.all([
    client.getContractEvents({ ...governor(info), eventName: 'ProposalCreated', fromBlock: 0n }),
    client.getContractEvents({ ...governor(info), eventName: 'VoteCast', fromBlock: 0n }),
  ]);
  const proposals = await Promise.all(
    logs.map(async (log) => {
      const a = log.args as Required<typeof log.args>;
      const [state, [against, forVotes, abstain], snapshot] = await Promise.all([
        client.readContract({ ...governor(info), functionName: 'state', args: [a.proposalId] }),
        client.readContract({ ...governor(info), functionName: 'proposalVotes', args: [a.proposalId] }),
        client.readContract({ ...governor(info), functionName: 'proposalSnapshot', args: [a.proposalId] }),
      ]);
      const quorum = await client
        .readContract({ ...governor(info), functionName: 'quorum', args: [snapshot] })
        .catch(() => 0n); // the snapshot is in the future while the proposal is pending
      return {
        id: a.proposalId,
        proposer: a.proposer,
        targets: a.targets,
        values: a.values,
        calldatas: a.calldatas,
        description: a.description,
        voteEnd: a.voteEnd,
        state: STATES[state] ?? 'Pending',
        votes: { against, for: forVotes, abstain },
        quorum,
        ballots: votes
          .map((v) => v.args as Required<typeof v.args>)
          .filter((v) => v.proposalId === a.proposalId)
          .map((v) => ({ voter: v.voter, support: v.support, weight: v.weight, reason: v.reason })),
      } satisfies Proposal;
    }),
  );
  return proposals.reverse();
}

/** An account's tokens, current votes and delegate. */
export async function votingPower(info: NodeInfo, account: Address) {
  const client = reader(info);
  const token = { address: info.addresses.token, abi: tributaryTokenAbi } as const;
  const [balance, votes, delegate] = await Promise.all([
    client.readContract({ ...token, functionName: 'balanceOf', args: [account] }),
    client.readContract({ ...token, functionName: 'getVotes', args: [account] }),
    client.readContract({ ...token, functionName: 'delegates', args: [account] }),
  ]);
  return { balance, votes, delegate };
}

export const descriptionHash = (description: string) => keccak256(toBytes(description));

/** The connected wallet's writes to the token and the Governor (each a transaction it approves). */
export async function governanceWriter(info: NodeInfo, address: Address, provider: EIP1193Provider) {
  const clients = await createProtocolClients({
    rpcUrl: info.rpcUrl,
    account: walletAccount({ address, provider }),
    chainId: info.chainId,
  });
  const gov = governor(info);
  const ops = (p: Pick<Proposal, 'targets' | 'values' | 'calldatas' | 'description'>) =>
    [[...p.targets], [...p.values], [...p.calldatas], descriptionHash(p.description)] as const;
  return {
    delegate: (to: Address) =>
      writeAndWait(clients, {
        address: info.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'delegate',
        args: [to],
      }),
    propose: (p: Pick<Proposal, 'targets' | 'values' | 'calldatas' | 'description'>) =>
      writeAndWait(clients, {
        ...gov,
        functionName: 'propose',
        args: [[...p.targets], [...p.values], [...p.calldatas], p.description],
      }),
    vote: (id: bigint, support: 0 | 1 | 2, reason: string) =>
      writeAndWait(clients, { ...gov, functionName: 'castVoteWithReason', args: [id, support, reason] }),
    queue: (p: Proposal) => writeAndWait(clients, { ...gov, functionName: 'queue', args: ops(p) }),
    execute: (p: Proposal) => writeAndWait(clients, { ...gov, functionName: 'execute', args: ops(p) }),
  };
}
