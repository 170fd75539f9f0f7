/**
 * The governance cycle a person runs with the CLI against `tributary dev`: three holders delegate,
 * one proposes delisting a model, they vote, the proposal is queued and executed after the dev
 * clock moves, the node refuses the delisted model (403), the voters claim exactly their rewards,
 * and a model proposal moves another model to a new datanet version that the node then serves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ANVIL_PRIVATE_KEYS,
  type CatalogModel,
  DEV_DISTRIBUTION,
  freePort,
  type ProposalView,
  tributaryTokenAbi,
} from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { createPublicClient, type Hex, http, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runDev, stopDev } from './testing/devProcess.js';

const key = (i: number) => ANVIL_PRIVATE_KEYS[i] as Hex;

describe('governance with the CLI on a dev network', () => {
  const home = mkdtempSync(join(tmpdir(), 'tributary-gov-'));
  let dev: Awaited<ReturnType<typeof runDev>>;
  let api: string;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON each command prints
  const gov = async (args: string[]): Promise<Record<string, any>> => {
    const result = await runCli(['gov', ...args, '--node', api, '--json']);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  };
  /** A command that must fail: its stderr. */
  const govFails = async (args: string[]) => {
    const result = await runCli(['gov', ...args, '--node', api, '--json']);
    expect(result.code, args.join(' ')).toBe(1);
    return result.stderr;
  };
  const devTime = async (duration: string) => {
    const result = await runCli(['dev', 'time', duration, '--home', home, '--json']);
    expect(result.code, result.stderr).toBe(0);
  };
  const catalog = async () =>
    ((await (await fetch(`${api}/v1/models/catalog`)).json()) as { models: CatalogModel[] }).models;
  const holder = (i: number) => createTributaryClient({ url: api, account: key(i) });
  /** Accounts 1–3 vote for through the SDK (the CLI's votes are checked on the delisting). */
  const voteAll = (id: string) =>
    Promise.all([1, 2, 3].map((i) => holder(i).castVote({ proposalId: id, support: 'for' })));

  beforeAll(async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    dev = await runDev(home, chainPort, port);
    api = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (dev) await stopDev(dev.child);
    rmSync(home, { recursive: true, force: true });
  });

  it('delists a model by vote, pays the voters, and moves an adopted model to a new datanet version', async () => {
    // A second model on the demo datanet, offered to community governance by its developer.
    const developer = createTributaryClient({ url: api, account: key(5) });
    await developer.login();
    const built = await developer.waitForBuild(
      (
        await developer.buildModel({
          name: 'rivers-community',
          kind: 'infini-gram',
          datanets: [{ datanetId: '1', version: 1 }],
        })
      ).id,
    );
    const community = await developer.registerModel({
      build: built,
      pricing: { pricePerInputToken: 10n ** 9n, pricePerOutputToken: 3n * 10n ** 9n },
      split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    });
    await developer.offerModelToCommunity({
      modelId: community.id,
      minComputeBps: 1000,
      minDeveloperBps: 1000,
    });

    // Three holders delegate (the dev network delegated them already; again is harmless).
    const delegated = await Promise.all([1, 2, 3].map((i) => gov(['delegate', '--key', String(i)])));
    for (const d of delegated) expect(d.votes).toBe(DEV_DISTRIBUTION.voter.toString());
    const delist = (await gov([
      'propose',
      'delist-model',
      '--model',
      'rivers-ngram',
      '--reason',
      'harmful outputs',
      '--title',
      'Delist rivers-ngram',
      '--key',
      '1',
    ])) as unknown as ProposalView;
    expect(delist.actions[0]!.summary).toMatch(
      /^Delist model 1 \("rivers-ngram"\) \(reason: "harmful outputs"\)/,
    );
    const adopt = await holder(2).propose({
      title: 'Adopt rivers-community',
      templates: [{ kind: 'adopt-model', modelId: community.id }],
    });

    await devTime('+2s');
    // Votes from the CLI: one with a reason, one signed (EIP-712) and relayed, one plain.
    await Promise.all([
      gov(['vote', delist.id, 'for', '--key', '1', '--reason', 'the community asked for it']),
      gov(['vote', delist.id, 'for', '--key', '2', '--by-sig']),
      gov(['vote', delist.id, 'for', '--key', '3']),
    ]);
    await voteAll(adopt.id);
    // Too early to queue: the error names the state and when the vote ends.
    const early = await govFails(['queue', delist.id, '--key', '1']);
    expect(early).toMatch(/cannot queue proposal \d+: it is Active/);
    expect(early).toMatch(/voting is open until \S+ \(in \d+ minutes?/);
    const shown = await gov(['show', delist.id.slice(0, 12)]);
    expect(shown).toMatchObject({
      state: 'Active',
      tally: { for: (3n * DEV_DISTRIBUTION.voter).toString() },
    });
    expect((shown.votes as { reason: string }[]).map((v) => v.reason)).toContain(
      'the community asked for it',
    );

    await devTime('+6m'); // past the 5-minute vote
    await gov(['queue', delist.id, '--key', '1']);
    await holder(1).queue({ proposalId: adopt.id });
    const notYet = await govFails(['execute', delist.id, '--key', '1']);
    expect(notYet).toMatch(/it is Queued[\s\S]*can be executed at \S+ \(in \d+ (minute|second)/);
    await devTime('+2m'); // past the 1-minute timelock delay
    await gov(['execute', delist.id, '--key', '2']);
    await holder(2).execute({ proposalId: adopt.id });
    expect((await gov(['list', '--state', 'Executed'])).proposals).toHaveLength(2);

    // The node refuses the delisted model.
    const payer = createTributaryClient({ url: api, account: key(7) });
    await payer.fundCalls({ amount: parseEther('1'), cap: parseEther('1') });
    await payer.login();
    const refused = await fetch(`${api}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${payer.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'rivers-ngram', prompt: 'Rivers', max_tokens: 4 }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MODEL_DELISTED');

    // Once the reward period ends, each voter claims exactly its share, once for the period:
    // 10,000 TRIB per period × 15M / 1B.
    const rpc = createPublicClient({ transport: http(dev.summary.rpc as string) });
    const balance = (i: number) =>
      rpc.readContract({
        address: (dev.summary.addresses as { token: Hex }).token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [createTributaryClient({ url: api, account: key(i) }).account!.address],
      });
    await devTime('+1d');
    const before = await Promise.all([1, 2, 3].map(balance));
    const claims = await Promise.all([1, 2, 3].map((i) => gov(['claim', '--key', String(i)])));
    for (const [j, i] of [1, 2, 3].entries()) {
      expect(claims[j]!.amount).toBe(parseEther('150').toString());
      expect(await balance(i)).toBe(before[j]! + parseEther('150'));
    }
    expect((await holder(1).claimVoterRewards()).amount).toBe(0n); // once per period

    // The adopted model moves to datanet version 2 by vote, and the node serves it from then on.
    await createTributaryClient({ url: api, account: key(2) }).contribute({
      datanetId: '1',
      filename: 'oxbow-lakes.md',
      content: 'An oxbow lake forms when a meander is cut off from its river by a flood.',
    });
    const owner = createTributaryClient({ url: api, account: key(1) });
    await owner.login();
    expect((await owner.commitVersion('1')).version).toBe(2);
    const rebuilt = await developer.waitForBuild(
      (
        await developer.buildModel({
          name: 'rivers-community',
          kind: 'infini-gram',
          datanets: [{ datanetId: '1', version: 2 }],
        })
      ).id,
    );
    const move = (await gov([
      'propose',
      'move-model',
      '--model',
      community.id,
      '--build',
      rebuilt.id,
      '--title',
      'Move rivers-community to version 2',
      '--key',
      '3',
    ])) as unknown as ProposalView;
    expect(move.actions[0]!.summary).toMatch(/built from datanet 1 version 2/);
    await devTime('+2s');
    await voteAll(move.id);
    await devTime('+6m');
    await holder(1).queue({ proposalId: move.id });
    await devTime('+2m');
    await holder(2).execute({ proposalId: move.id });
    let served: CatalogModel | undefined;
    for (let i = 0; i < 50 && served?.version !== 2; i++) {
      served = (await catalog()).find((m) => m.id === community.id);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(served).toMatchObject({
      version: 2,
      artifactHash: rebuilt.artifactHash,
      datanets: [{ datanetId: '1', version: 2 }],
    });
    const answer = await payer.request<{ model: string; attribution: { receipt_id: string } }>(
      'POST',
      '/v1/completions',
      {
        model: 'rivers-community',
        prompt: 'An oxbow lake forms',
        max_tokens: 8,
      },
    );
    expect(answer.attribution.receipt_id).toMatch(/^0x/);

    // The totals show the treasury and the voter rewards beside fees and payouts.
    const totals = (await (await fetch(`${api}/v1/protocol/totals`)).json()) as {
      treasury: { balance: string };
      voterRewards: { paid: string; claims: number };
      feesPaid: string;
    };
    expect(totals.voterRewards).toMatchObject({ paid: parseEther('450').toString(), claims: 3 });
    expect(BigInt(totals.treasury.balance)).toBeGreaterThan(0n);
    writeFileSync(join(home, 'done'), '');
  }, 900_000);
});
