/**
 * Governance through a real node on a real Anvil: the SDK files a templated proposal, voters vote
 * (one by EIP-712 signature relayed by another), steps taken too early fail with the state and
 * when they open, the node indexes votes and states, voters claim exactly their rewards, and the
 * keeper finalizes a settled epoch and sweeps its protocol fee to the treasury.
 */
import {
  DEV_DISTRIBUTION,
  distributeDevTokens,
  formatTokens,
  type GovernanceAccountView,
  tributaryTokenAbi,
} from '@tributary/protocol';
import { increaseTime } from '@tributary/protocol/testing';
import { GovernanceError } from '@tributary/sdk';
import OpenAI from 'openai';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const RATE = parseEther('10000'); // voter rewards per period (dev deployment)
const rewardOf = (weight: bigint) => (RATE * weight) / parseEther('1000000000');

describe('governance through the node', () => {
  let net: TestNetwork;
  let node: RunningNode;
  let apiKey: string;
  let plantedId: string;
  const balanceOf = async (i: number) =>
    node.ctx.chain.publicClient.readContract({
      address: net.chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'balanceOf',
      args: [net.chain.accounts[i]!],
    });
  const advance = (seconds: number) => increaseTime(node.ctx.chain.publicClient as never, seconds);
  const get = async <T>(path: string) => (await (await fetch(`${net.url}${path}`)).json()) as T;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: GovernanceError) => ({ code: error.code, text: [error.message, ...error.details].join(' | ') }),
    );

  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    // A model and a paid call, so an epoch settles with a protocol fee for the keeper to sweep.
    plantedId = await plantDatanet(net);
    await buildAndRegister(net, plantedId, 'infini-gram', 'planted-ngram');
    apiKey = await fundPayer(net, 6);
    await distributeDevTokens({
      rpcUrl: net.chain.anvil.rpcUrl,
      addresses: net.chain.addresses,
      keys: net.chain.keys,
    });
    // Votes count from the second after delegation (the governor reads them at clock − 1).
    await advance(1);
  });
  afterAll(() => net?.stop());

  it('runs a proposal from templates to execution, and pays its voters exactly their rewards', async () => {
    const [c1, c2, c3, c4] = [net.client(1), net.client(2), net.client(3), net.client(4)];
    const account1 = await c1.getGovernanceAccount(net.chain.accounts[1]!);
    expect(account1).toMatchObject({
      votes: DEV_DISTRIBUTION.voter.toString(),
      delegate: net.chain.accounts[1],
    });
    const grantee = net.chain.accounts[7]!;
    const granteeBefore = await balanceOf(7);
    // The planted datanet's three contributors (keys 2–4), split by the tokens they contributed.
    const datanetGrant = await c1.datanetGrant({ datanetId: plantedId, amount: parseEther('300') });
    const recipients = (datanetGrant as { recipients: { account: string; amount: bigint }[] }).recipients;
    expect(recipients.map((r) => r.account).sort()).toEqual(
      net.chain.accounts.slice(2, 5).map(String).sort(),
    );
    expect(recipients.reduce((sum, r) => sum + r.amount, 0n)).toBe(parseEther('300'));
    const contributorsBefore = await Promise.all([2, 3, 4].map(balanceOf));

    const proposal = await c1.propose({
      title: 'Grant and ban',
      body: 'A grant for the planted datanet, and a ban.',
      templates: [
        { kind: 'treasury-grant', recipients: [{ account: grantee, amount: parseEther('1000') }] },
        { kind: 'ban-contributor', account: net.chain.accounts[8]! },
        datanetGrant,
      ],
    });
    expect(proposal).toMatchObject({
      state: 'Pending',
      title: 'Grant and ban',
      proposer: net.chain.accounts[1],
    });
    expect(proposal.summaries.slice(0, 2)).toEqual([
      `Pay 1,000 TRIB to ${grantee} from the treasury.`,
      `Ban ${net.chain.accounts[8]} from contributing to any datanet.`,
    ]);
    expect(proposal.summaries).toHaveLength(5); // one transfer per contributor
    expect(proposal.description).toContain('## Actions\n\n1. Pay 1,000 TRIB');
    const id = proposal.id;

    const early = await failure(c2.castVote({ proposalId: id, support: 'for' }));
    expect(early).toMatchObject({ code: 'PROPOSAL_PENDING' });
    expect(early!.text).toMatch(/it is Pending \| next: voting opens at \S+ \(in \d+ seconds?\)/);

    await advance(2);
    await c1.castVote({ proposalId: id, support: 'for', reason: 'the datanet earned it' });
    // 2 signs; 3 relays (and pays the gas).
    const relayed = await c2.castVoteBySig({
      proposalId: id,
      support: 'for',
      reason: 'signed, not sent',
      relayer: c3.account!,
    });
    expect(relayed.vote.voter).toBe(net.chain.accounts[2]);
    await c3.castVote({ proposalId: id, support: 'for' });
    await c4.castVote({ proposalId: id, support: 'against' });
    const again = await failure(c4.castVote({ proposalId: id, support: 'for' }));
    expect(again).not.toBeNull();

    const tooSoon = await failure(c1.queue({ proposalId: id }));
    expect(tooSoon).toMatchObject({ code: 'PROPOSAL_ACTIVE' });
    expect(tooSoon!.text).toMatch(/voting is open until \S+ \(in \d+ (minutes?|seconds?)/);

    const { votingPeriod, timelockDelay } = await c1.governanceParameters();
    await advance(votingPeriod + 1);
    await c1.queue({ proposalId: id });
    const notYet = await failure(c2.execute({ proposalId: id }));
    expect(notYet).toMatchObject({ code: 'PROPOSAL_QUEUED' });
    expect(notYet!.text).toMatch(/it can be executed at \S+ \(in \d+ (minutes?|seconds?)/);
    await advance(timelockDelay + 1);
    await c2.execute({ proposalId: id });
    expect(await balanceOf(7)).toBe(granteeBefore + parseEther('1000'));
    for (const [j, i] of [2, 3, 4].entries()) {
      const share = recipients.find((r) => r.account === net.chain.accounts[i])!.amount;
      expect(await balanceOf(i)).toBe(contributorsBefore[j]! + share);
    }

    await node.ctx.indexer.syncOnce();
    const shown = await c1.getProposal(id);
    expect(shown).toMatchObject({
      state: 'Executed',
      tally: {
        for: (3n * DEV_DISTRIBUTION.voter).toString(),
        against: DEV_DISTRIBUTION.voter.toString(),
        abstain: '0',
      },
      reward: { eligibility: 'PeriodNotOver' },
      next: { step: 'claim' },
    });
    expect(shown.votes.map((v) => [v.voter, v.support, v.reason])).toEqual([
      [net.chain.accounts[1], 'for', 'the datanet earned it'],
      [net.chain.accounts[2], 'for', 'signed, not sent'],
      [net.chain.accounts[3], 'for', ''],
      [net.chain.accounts[4], 'against', ''],
    ]);
    expect(shown.actions[1]!.template).toEqual({ kind: 'ban-contributor', account: net.chain.accounts[8] });
    expect(shown.actions).toHaveLength(5);
    const listed = await get<{ proposals: { id: string; state: string }[] }>(
      '/v1/governance/proposals?state=Executed',
    );
    expect(listed.proposals.map((p) => p.id)).toEqual([id]);

    // Rewards open when the reward period ends; then each voter claims exactly its share, once.
    const before: GovernanceAccountView = await c4.getGovernanceAccount(net.chain.accounts[4]!);
    expect(before.rewards.claimable).toEqual([]);
    expect(before.rewards.upcoming).toEqual([
      { proposalId: id, period: '0', opensAt: shown.reward.periodEndsAt },
    ]);
    const now = Number((await node.ctx.chain.publicClient.getBlock()).timestamp);
    await advance(shown.reward.periodEndsAt - now);
    const share = rewardOf(DEV_DISTRIBUTION.voter);
    expect(formatTokens(share)).toBe('150 TRIB');
    for (const [i, client] of [
      [1, c1],
      [4, c4],
    ] as const) {
      const balance = await balanceOf(i);
      const claimed = await client.claimVoterRewards();
      expect(claimed.amount).toBe(share);
      expect(await balanceOf(i)).toBe(balance + share);
      expect((await client.claimVoterRewards()).amount).toBe(0n); // once per period
    }
    await node.ctx.indexer.syncOnce();
    const after = await c4.getGovernanceAccount(net.chain.accounts[4]!);
    expect(after.rewards).toMatchObject({ claimable: [], claimedTotal: share.toString(), upcoming: [] });
    const totals = await get<{
      voterRewards: { paid: string; claims: number };
      treasury: { balance: string };
    }>('/v1/protocol/totals');
    expect(totals.voterRewards).toMatchObject({ paid: (2n * share).toString(), claims: 2 });
  });

  it('the keeper finalizes a settled epoch and sweeps its protocol fee to the treasury', async () => {
    const openai = new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
    await openai.completions.create({
      model: 'planted-ngram',
      prompt: 'The Glenmoriston kelpie',
      max_tokens: 8,
      seed: 1,
    });
    const operator = net.client(9);
    await operator.login();
    await operator.runSettlement();
    const treasury = async () =>
      node.ctx.chain.publicClient.readContract({
        address: net.chain.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [net.chain.addresses.timelock],
      });
    const fees = await get<{ paidOut: { protocol: string } }>('/v1/protocol/totals');
    const protocolFee = BigInt(fees.paidOut.protocol);
    expect(protocolFee).toBeGreaterThan(0n);

    // Within the challenge window there is nothing to do; after it, one pass finalizes and sweeps.
    const run = () =>
      operator.request<{ finalized: string[]; swept: string }>('POST', '/v1/governance/keeper/run');
    expect(await run()).toEqual({ finalized: [], swept: '0' });
    const before = await treasury();
    await advance(700);
    expect(await run()).toEqual({
      finalized: [node.ctx.chain.operator.address.toLowerCase()],
      swept: protocolFee.toString(),
    });
    expect(await treasury()).toBe(before + protocolFee);
    expect(await run()).toEqual({ finalized: [], swept: '0' });
    await node.ctx.indexer.syncOnce();
    const totals = await get<{ protocolFees: { swept: string; accrued: string } }>('/v1/protocol/totals');
    expect(totals.protocolFees).toMatchObject({ swept: protocolFee.toString(), accrued: '0' });
    const stranger = await net.client(3).login();
    const refused = await fetch(`${net.url}/v1/governance/keeper/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(refused.status).toBe(403);
  });

  it('answers bad ids and addresses with 400 and unknown proposals with 404', async () => {
    expect((await fetch(`${net.url}/v1/governance/proposals/abc`)).status).toBe(400);
    expect((await fetch(`${net.url}/v1/governance/proposals/12345`)).status).toBe(404);
    expect((await fetch(`${net.url}/v1/governance/accounts/0x12`)).status).toBe(400);
    expect((await fetch(`${net.url}/v1/governance/proposals?state=Nope`)).status).toBe(400);
  });

  it('refuses a proposal from an account below the threshold, saying how to get votes', async () => {
    const outsider = net.client(9);
    const refused = await failure(
      outsider.propose({ title: 'x', templates: [{ kind: 'adopt-model', modelId: 1n }] }),
    );
    expect(refused).toMatchObject({ code: 'PROPOSER_BELOW_THRESHOLD' });
    expect(refused!.text).toMatch(/delegate/);
    expect(GovernanceError).toBeDefined();
  });
});
