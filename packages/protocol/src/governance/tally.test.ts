/**
 * Reads the governor the way Tally-style indexers and wallets do — through OpenZeppelin's standard
 * interface (ERC-165 id of IGovernor, COUNTING_MODE, ERC-6372 CLOCK_MODE) and its standard events,
 * with a hand-written ABI rather than ours — through a whole proposal whose votes include EIP-712
 * ballots relayed by others.
 */
import {
  type Address,
  type Hex,
  hexToBigInt,
  parseAbi,
  parseEther,
  parseSignature,
  toFunctionSelector,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolClients, type ProtocolClients, writeAndWait } from '../clients.js';
import {
  governanceRewardsAbi,
  rewardDistributorAbi,
  tributaryGovernorAbi,
  tributaryTokenAbi,
} from '../generated/contracts.js';
import { increaseTime, startTestChain, type TestChain } from '../testing.js';
import { ballotTypes, extendedBallotTypes, governorDomain } from './ballot.js';
import { decodeProposalActions } from './decode.js';
import { encodeProposal } from './encode.js';
import { descriptionHash, proposalDescription, proposalIdOf, VoteSupport } from './proposal.js';

/** What a Tally-style indexer knows of any OpenZeppelin governor, token and their events. */
const standardGovernorAbi = parseAbi([
  'function name() view returns (string)',
  'function version() view returns (string)',
  'function COUNTING_MODE() pure returns (string)',
  'function CLOCK_MODE() view returns (string)',
  'function clock() view returns (uint48)',
  'function token() view returns (address)',
  'function timelock() view returns (address)',
  'function votingDelay() view returns (uint256)',
  'function votingPeriod() view returns (uint256)',
  'function quorum(uint256 timepoint) view returns (uint256)',
  'function proposalThreshold() view returns (uint256)',
  'function state(uint256 proposalId) view returns (uint8)',
  'function proposalSnapshot(uint256 proposalId) view returns (uint256)',
  'function proposalDeadline(uint256 proposalId) view returns (uint256)',
  'function proposalEta(uint256 proposalId) view returns (uint256)',
  'function proposalVotes(uint256 proposalId) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)',
  'function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) pure returns (uint256)',
  'function nonces(address owner) view returns (uint256)',
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
  'event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)',
  'event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)',
  'event ProposalQueued(uint256 proposalId, uint256 etaSeconds)',
  'event ProposalExecuted(uint256 proposalId)',
]);
const standardTokenAbi = parseAbi([
  'function CLOCK_MODE() view returns (string)',
  'function clock() view returns (uint48)',
  'function getVotes(address account) view returns (uint256)',
  'function delegates(address account) view returns (address)',
  'event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate)',
  'event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes)',
]);

/** ERC-165 id of OpenZeppelin 5's IGovernor: the XOR of the selectors it declares. */
const IGOVERNOR_FUNCTIONS = [
  'COUNTING_MODE()',
  'cancel(address[],uint256[],bytes[],bytes32)',
  'castVote(uint256,uint8)',
  'castVoteBySig(uint256,uint8,address,bytes)',
  'castVoteWithReason(uint256,uint8,string)',
  'castVoteWithReasonAndParams(uint256,uint8,string,bytes)',
  'castVoteWithReasonAndParamsBySig(uint256,uint8,address,string,bytes,bytes)',
  'execute(address[],uint256[],bytes[],bytes32)',
  'getProposalId(address[],uint256[],bytes[],bytes32)',
  'getVotes(address,uint256)',
  'getVotesWithParams(address,uint256,bytes)',
  'hasVoted(uint256,address)',
  'hashProposal(address[],uint256[],bytes[],bytes32)',
  'name()',
  'proposalDeadline(uint256)',
  'proposalEta(uint256)',
  'proposalNeedsQueuing(uint256)',
  'proposalProposer(uint256)',
  'proposalSnapshot(uint256)',
  'proposalThreshold()',
  'propose(address[],uint256[],bytes[],string)',
  'queue(address[],uint256[],bytes[],bytes32)',
  'quorum(uint256)',
  'state(uint256)',
  'version()',
  'votingDelay()',
  'votingPeriod()',
];
const interfaceId = (signatures: string[]) =>
  `0x${signatures
    .map((s) => hexToBigInt(toFunctionSelector(s)))
    .reduce((a, b) => a ^ b, 0n)
    .toString(16)
    .padStart(8, '0')}` as Hex;

describe('the governor as Tally-style indexers and wallets see it', () => {
  let chain: TestChain;
  let clients: ProtocolClients[];
  let governor: { address: Address; abi: typeof standardGovernorAbi };
  const read = <T>(request: Record<string, unknown>) =>
    clients[0]!.publicClient.readContract(request as never) as Promise<T>;

  beforeAll(async () => {
    chain = await startTestChain();
    clients = await Promise.all(
      chain.keys
        .slice(0, 3)
        .map((key) =>
          createProtocolClients({ rpcUrl: chain.anvil.rpcUrl, account: key, pollingInterval: 50 }),
        ),
    );
    governor = { address: chain.addresses.governor, abi: standardGovernorAbi };
    const token = { address: chain.addresses.token, abi: tributaryTokenAbi } as const;
    // Deployer (0) keeps most of the supply; 1 and 2 hold 50M and 10M; everyone delegates to itself.
    await writeAndWait(clients[0]!, {
      ...token,
      functionName: 'transfer',
      args: [chain.accounts[1]!, parseEther('50000000')],
    });
    await writeAndWait(clients[0]!, {
      ...token,
      functionName: 'transfer',
      args: [chain.accounts[2]!, parseEther('10000000')],
    });
    await writeAndWait(clients[0]!, {
      ...token,
      functionName: 'transfer',
      args: [chain.addresses.governanceRewards, parseEther('100000')],
    });
    for (const c of clients) {
      await writeAndWait(c, { ...token, functionName: 'delegate', args: [c.account.address] });
    }
    await increaseTime(clients[0]!.publicClient, 1);
  });
  afterAll(() => chain?.stop());

  it('keeps the standard interface, counting mode and timestamp clock', async () => {
    expect(
      await read({
        ...governor,
        functionName: 'supportsInterface',
        args: [interfaceId(IGOVERNOR_FUNCTIONS)],
      }),
    ).toBe(true);
    expect(await read({ ...governor, functionName: 'supportsInterface', args: ['0x01ffc9a7'] })).toBe(true);
    expect(await read({ ...governor, functionName: 'name' })).toBe('TributaryGovernor');
    expect(await read({ ...governor, functionName: 'version' })).toBe('1');
    expect(await read({ ...governor, functionName: 'COUNTING_MODE' })).toBe(
      'support=bravo&quorum=for,abstain',
    );
    expect(await read({ ...governor, functionName: 'CLOCK_MODE' })).toBe('mode=timestamp');
    const token = { address: chain.addresses.token, abi: standardTokenAbi };
    expect(await read({ ...token, functionName: 'CLOCK_MODE' })).toBe('mode=timestamp');
    const latest = await clients[0]!.publicClient.getBlock();
    expect(await read({ ...governor, functionName: 'clock' })).toBe(Number(latest.timestamp));
    expect(await read({ ...governor, functionName: 'token' })).toBe(chain.addresses.token);
    expect(await read({ ...governor, functionName: 'timelock' })).toBe(chain.addresses.timelock);
    // Quorum is 4% of the supply at a past timepoint.
    expect(await read({ ...governor, functionName: 'quorum', args: [latest.timestamp - 1n] })).toBe(
      parseEther('40000000'),
    );
    const delegations = await clients[0]!.publicClient.getContractEvents({
      ...token,
      eventName: 'DelegateChanged',
      fromBlock: 0n,
    });
    expect(delegations.map((e) => e.args.toDelegate)).toEqual(chain.accounts.slice(0, 3));
  });

  it('runs a templated proposal whose events, ids and EIP-712 votes read as the standard says', async () => {
    const { publicClient } = clients[0]!;
    const templates = [
      { kind: 'set-parameter' as const, parameter: 'protocolFeeBps', value: 400n },
      { kind: 'set-parameter' as const, parameter: 'voterRewardPerPeriod', value: parseEther('2000') },
    ];
    const actions = await encodeProposal({ templates, addresses: chain.addresses, publicClient });
    const decoded = decodeProposalActions({ actions, addresses: chain.addresses });
    expect(decoded[0]!.summary).toMatch(
      /^Set the settlement parameters: protocol fee 4%, challenge window 10 minutes, /,
    );
    const description = proposalDescription({ title: 'Lower the protocol fee' }, decoded);
    const args = [
      actions.map((a) => a.target),
      actions.map((a) => a.value),
      actions.map((a) => a.data),
    ] as const;
    const id = proposalIdOf(actions, description);
    expect(
      await read({
        ...governor,
        functionName: 'hashProposal',
        args: [...args, descriptionHash(description)],
      }),
    ).toBe(id);
    const full = { address: chain.addresses.governor, abi: tributaryGovernorAbi } as const;
    await writeAndWait(clients[0]!, { ...full, functionName: 'propose', args: [...args, description] });
    await increaseTime(publicClient, 2);

    // 0 votes itself with a reason; 1 signs an extended ballot (with reason) that 2 relays;
    // 2 signs a plain ballot that 0 relays.
    await writeAndWait(clients[0]!, {
      ...full,
      functionName: 'castVoteWithReason',
      args: [id, 1, 'cheaper calls'],
    });
    const sign = async (i: number, reason?: string) => {
      const voter = chain.accounts[i]!;
      const nonce = await read<bigint>({ ...governor, functionName: 'nonces', args: [voter] });
      const domain = governorDomain({ chainId: chain.chainId, verifyingContract: chain.addresses.governor });
      const account = clients[i]!.account;
      return reason === undefined
        ? account.signTypedData!({
            domain,
            types: ballotTypes,
            primaryType: 'Ballot',
            message: { proposalId: id, support: VoteSupport.against, voter, nonce },
          })
        : account.signTypedData!({
            domain,
            types: extendedBallotTypes,
            primaryType: 'ExtendedBallot',
            message: { proposalId: id, support: VoteSupport.for, voter, nonce, reason, params: '0x' },
          });
    };
    const byOne = await sign(1, 'relayed for me');
    await writeAndWait(clients[2]!, {
      ...full,
      functionName: 'castVoteWithReasonAndParamsBySig',
      args: [id, 1, chain.accounts[1]!, 'relayed for me', '0x', byOne],
    });
    const byTwo = await sign(2);
    expect(parseSignature(byTwo).r).toMatch(/^0x/);
    await writeAndWait(clients[0]!, {
      ...full,
      functionName: 'castVoteBySig',
      args: [id, 0, chain.accounts[2]!, byTwo],
    });

    const period = Number(await read({ ...governor, functionName: 'votingPeriod' }));
    await increaseTime(publicClient, period + 1);
    await writeAndWait(clients[0]!, {
      ...full,
      functionName: 'queue',
      args: [...args, descriptionHash(description)],
    });
    const eta = await read<bigint>({ ...governor, functionName: 'proposalEta', args: [id] });
    await increaseTime(publicClient, Number(eta - (await publicClient.getBlock()).timestamp) + 1);
    await writeAndWait(clients[1]!, {
      ...full,
      functionName: 'execute',
      args: [...args, descriptionHash(description)],
    });
    expect(await read({ ...governor, functionName: 'state', args: [id] })).toBe(7); // Executed

    const events = async (eventName: string) =>
      (await publicClient.getContractEvents({
        ...governor,
        eventName,
        fromBlock: 0n,
      } as never)) as unknown as {
        args: Record<string, unknown>;
      }[];
    const [created] = await events('ProposalCreated');
    expect(created!.args).toMatchObject({
      proposalId: id,
      proposer: chain.accounts[0],
      targets: args[0],
      calldatas: args[2],
      description,
      voteStart: await read({ ...governor, functionName: 'proposalSnapshot', args: [id] }),
      voteEnd: await read({ ...governor, functionName: 'proposalDeadline', args: [id] }),
    });
    const votes = [...(await events('VoteCast')), ...(await events('VoteCastWithParams'))].map((e) => e.args);
    expect(votes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ voter: chain.accounts[0], support: 1, reason: 'cheaper calls' }),
        expect.objectContaining({ voter: chain.accounts[2], support: 0, weight: parseEther('10000000') }),
        expect.objectContaining({
          voter: chain.accounts[1],
          support: 1,
          reason: 'relayed for me', // empty params: the governor emits a plain VoteCast
        }),
      ]),
    );
    expect((await events('ProposalQueued'))[0]!.args).toEqual({ proposalId: id, etaSeconds: eta });
    expect((await events('ProposalExecuted'))[0]!.args).toEqual({ proposalId: id });
    const [against, forVotes] = await read<readonly bigint[]>({
      ...governor,
      functionName: 'proposalVotes',
      args: [id],
    });
    expect(against).toBe(parseEther('10000000'));
    expect(forVotes).toBeGreaterThan(parseEther('900000000'));

    // The settlement parameter changed alone; the voter reward rate too.
    const distributor = { address: chain.addresses.rewardDistributor, abi: rewardDistributorAbi } as const;
    expect(await read({ ...distributor, functionName: 'protocolFeeBps' })).toBe(400);
    const rewards = { address: chain.addresses.governanceRewards, abi: governanceRewardsAbi } as const;
    expect(await read({ ...rewards, functionName: 'rewardPerPeriod' })).toBe(parseEther('2000'));

    // Once the reward period is over, the relayed voter claims its share: 2,000 × 50M / 1B.
    const [, endsAt] = await read<readonly bigint[]>({ ...rewards, functionName: 'periodOf', args: [id] });
    const now = (await publicClient.getBlock()).timestamp;
    if (endsAt! > now) await increaseTime(publicClient, Number(endsAt! - now));
    expect(await read({ ...rewards, functionName: 'pendingReward', args: [id, chain.accounts[1]!] })).toBe(
      parseEther('100'),
    );
    await writeAndWait(clients[2]!, { ...rewards, functionName: 'claim', args: [id, chain.accounts[1]!] });
    expect(await read({ ...rewards, functionName: 'hasClaimed', args: [0n, chain.accounts[1]!] })).toBe(true);
  });
});
