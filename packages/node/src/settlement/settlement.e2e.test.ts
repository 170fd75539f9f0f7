import {
  createProtocolClients,
  devDeployConfig,
  EpochStatus,
  largestRemainder,
  nodeRegistryAbi,
  type PreviousEpoch,
  paymentEscrowAbi,
  type Receipt,
  rewardDistributorAbi,
  tributaryTokenAbi,
  verifyEpoch,
} from '@tributary/protocol';
import { executeProposal } from '@tributary/protocol/testing';
import OpenAI from 'openai';
import { type Address, encodeFunctionData, type Hex, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { backends } from '../testing/backends.js';
import { fundPayer } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

/** Three datanets of two contributors each; distinctive sentences a model's answer can copy. */
const DATANETS = [
  [
    'Alder catkins open in February along the Tummel, weeks before the leaves.',
    'The Tummel ferry ran until 1934, carrying cattle and the post.',
  ],
  [
    'Otters on the Spey den under tree roots and come out at dusk to hunt eels.',
    'Spey casting lets a fly fisher throw a long line with no room behind.',
  ],
  [
    'Salmon ladders at Pitlochry let fish climb past the dam in short steps.',
    'The Pitlochry dam visitor centre counts every salmon that passes the ladder.',
  ],
];

const SUITE =
  'epoch settlement end to end (2 payers, 400 calls, 2 models, 3 datanets, 6 contributors, 3 epochs, $name)';
describe.each(backends)(SUITE, ({ databaseUrl }) => {
  let net: TestNetwork;
  let node: RunningNode;
  const contributorKeys = Array.from({ length: 6 }, () => generatePrivateKey());
  const contributors = contributorKeys.map((k) => privateKeyToAccount(k).address);
  const payers = [6, 7];
  let apiKeys: string[];

  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    node = await net.startNode();
    const { publicClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[0]!,
    });
    for (const a of contributors)
      await publicClient.request({
        method: 'anvil_setBalance' as never,
        params: [a, '0xde0b6b3a7640000'] as never,
      });
    const owner = net.client(1);
    await owner.login();
    const refs: { datanetId: string; version: number }[] = [];
    for (const [d, docs] of DATANETS.entries()) {
      const datanet = await owner.createDatanet({
        metadata: { name: `River ${d}` },
        policy: { contributionMode: 'open', licence: 'open' },
      });
      for (const [k, text] of docs.entries()) {
        await net
          .client(contributorKeys[d * 2 + k]!)
          .contribute({ datanetId: datanet.id, filename: `${d}-${k}.txt`, content: text });
      }
      await owner.commitVersion(datanet.id);
      refs.push({ datanetId: datanet.id, version: 1 });
    }
    const developer = net.client(5);
    await developer.login();
    const pricing = { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_000n };
    const split = { computeBps: 2000, developerBps: 3000, dataBps: 5000 };
    for (const [name, kind, datanets] of [
      ['ngram', 'infini-gram', [refs[0]!, refs[1]!]],
      ['search', 'retrieval', [refs[1]!, refs[2]!]],
    ] as const) {
      const started = await developer.buildModel({ name, kind, datanets: [...datanets] });
      await developer.registerModel({ build: await developer.waitForBuild(started.id), pricing, split });
    }
    apiKeys = [];
    for (const p of payers) apiKeys.push(await fundPayer(net, p, parseEther('10')));
  }, 150_000); // 3 datanets, 6 contributors, 2 model builds
  afterAll(() => net?.stop());

  it("pays every recipient exactly its receipts' shares, once, and leaves escrow and distributor holding exactly what is owed", async () => {
    const clients = apiKeys.map((apiKey) => new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 }));
    const prompts = [
      ...DATANETS.flat().map((t) => t.split(' ').slice(0, 4).join(' ')),
      'Zebra quantum marmalade?',
    ];
    const operator = net.client(9);
    await operator.login();
    let calls = 0;
    for (let epoch = 0; epoch < 3; epoch++) {
      const perPayer = epoch < 2 ? 67 : 66;
      await Promise.all(
        clients.map(async (client, p) => {
          for (let i = 0; i < perPayer; i++) {
            const prompt = prompts[(i + p + epoch) % prompts.length]!;
            if (i % 2 === 0)
              await client.completions.create({ model: 'ngram', prompt, max_tokens: 12, seed: i });
            else
              await client.chat.completions.create({
                model: 'search',
                messages: [{ role: 'user', content: prompt }],
                max_tokens: 40,
              });
            calls++;
          }
        }),
      );
      expect(await operator.runSettlement()).toEqual({ settled: [String(epoch + 1)] });
    }
    expect(calls).toBe(400);

    const { publicClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[0]!,
    });
    const read = publicClient.readContract;
    const distributor = {
      address: net.chain.addresses.rewardDistributor,
      abi: rewardDistributorAbi,
    } as const;
    const nodeAddress = node.ctx.chain.operator.address;
    const signer = await read({
      address: net.chain.addresses.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'signingKeyOf',
      args: [nodeAddress],
    });

    // Every epoch re-checks from its published data against what the chain recorded.
    const receipts: Receipt[] = [];
    const pools = new Map<string, bigint>();
    let previous: PreviousEpoch | null = null;
    for (const epoch of [1n, 2n, 3n]) {
      const data = await operator.epochData(epoch);
      const onChain = await read({ ...distributor, functionName: 'getEpoch', args: [nodeAddress, epoch] });
      expect(onChain.status).toBe(EpochStatus.Settled);
      const checked = await verifyEpoch({
        data,
        rewardDistributor: net.chain.addresses.rewardDistributor,
        expectedSigner: signer,
        onChain,
        previous,
      });
      expect(checked.problems).toEqual([]);
      previous = { data, creditsRoot: onChain.creditsRoot };
      receipts.push(...data.receipts.map((r) => r.receipt));
      // Unattributed data shares go to the model's training data by tokens, per epoch and model version.
      for (const source of data.poolSources) {
        const pool = data.receipts
          .filter(
            (r) => r.receipt.model.id === source.modelId && r.receipt.model.version === source.modelVersion,
          )
          .reduce((s, r) => s + BigInt(r.receipt.attribution.pool), 0n);
        const sorted = [...source.contributions].sort((a, b) =>
          BigInt(a.contributionId) < BigInt(b.contributionId) ? -1 : 1,
        );
        const parts = largestRemainder({ amount: pool, weights: sorted.map((c) => BigInt(c.tokens)) });
        for (const [i, c] of sorted.entries())
          pools.set(c.contributor, (pools.get(c.contributor) ?? 0n) + parts[i]!);
      }
    }
    expect(receipts).toHaveLength(400);
    expect(new Set(receipts.map((r) => r.epoch))).toEqual(new Set(['1', '2', '3']));

    // What each account is owed, summed from the receipts themselves.
    const owed = new Map<string, bigint>();
    const add = (a: string, v: bigint) => owed.set(a.toLowerCase(), (owed.get(a.toLowerCase()) ?? 0n) + v);
    let protocol = 0n;
    const paidBy = new Map<string, bigint>();
    for (const r of receipts) {
      add(r.node, BigInt(r.split.compute));
      add(r.split.developerAccount, BigInt(r.split.developer));
      for (const c of r.attribution.contributions) add(c.contributor, BigInt(c.amount));
      protocol += BigInt(r.split.protocol);
      paidBy.set(r.payer, (paidBy.get(r.payer) ?? 0n) + BigInt(r.fee));
    }
    for (const [a, v] of pools) add(a, v);
    expect([...owed.keys()].filter((a) => contributors.map((c) => c.toLowerCase()).includes(a))).toHaveLength(
      6,
    );

    // After the challenge window every recipient claims once.
    await publicClient.request({ method: 'evm_increaseTime' as never, params: [700] as never });
    await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    await node.ctx.indexer.syncOnce();
    const balanceOf = (a: Address) =>
      read({
        address: net.chain.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [a],
      });
    const recipients: [Hex, Address][] = [
      ...contributorKeys.map((k, i) => [k, contributors[i]!] as [Hex, Address]),
      [net.chain.keys[5]!, net.chain.accounts[5]!],
      [net.chain.keys[9]!, nodeAddress],
    ];
    for (const [key, account] of recipients) {
      const before = await balanceOf(account);
      const claimed = await net.client(key).claimRewards();
      const gained = (await balanceOf(account)) - before;
      expect(gained).toBe(claimed);
      expect(gained).toBe(owed.get(account.toLowerCase()) ?? 0n);
      expect(await net.client(key).claimRewards()).toBe(0n); // a second claim pays nothing
    }
    await node.ctx.indexer.syncOnce();
    expect((await operator.rewards(contributors[0]!)).claimed).toBe(
      String(owed.get(contributors[0]!.toLowerCase())),
    );

    // The distributor holds only the protocol's fees, which go to the treasury.
    const treasuryBefore = await balanceOf(net.chain.addresses.timelock);
    const { walletClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[1]!,
    });
    for (const fn of ['finalize', 'sweepProtocolFees'] as const) {
      const hash = await walletClient.writeContract({
        ...distributor,
        functionName: fn,
        args: fn === 'finalize' ? [nodeAddress, 10n] : [],
      } as never);
      await publicClient.waitForTransactionReceipt({ hash });
    }
    expect((await balanceOf(net.chain.addresses.timelock)) - treasuryBefore).toBe(protocol);
    expect(await balanceOf(net.chain.addresses.rewardDistributor)).toBe(0n);

    // Escrow holds exactly the payers' remaining deposits (and the node's own).
    let escrowOwed = 0n;
    for (const p of [...payers.map((i) => net.chain.accounts[i]!), nodeAddress]) {
      const account = await read({
        address: net.chain.addresses.paymentEscrow,
        abi: paymentEscrowAbi,
        functionName: 'accountOf',
        args: [p],
      });
      if (payers.map((i) => net.chain.accounts[i]).includes(p))
        expect(account.balance).toBe(parseEther('10') - (paidBy.get(p) ?? 0n));
      escrowOwed += account.balance;
    }
    expect(await balanceOf(net.chain.addresses.paymentEscrow)).toBe(escrowOwed);

    const totals = await operator.request<{ tokenSupply: string; feesPaid: string; feesSettled: string }>(
      'GET',
      '/v1/protocol/totals',
    );
    // No emission: every reward above came from fees, and the supply is still the one minted at deployment.
    expect(totals.tokenSupply).toBe(devDeployConfig.totalSupply.toString());
    expect(totals.feesSettled).toBe(totals.feesPaid);
    const earnings = await operator.request<{ attributed: string }>(
      'GET',
      `/v1/earnings/contributors/${contributors[0]}`,
    );
    expect(BigInt(earnings.attributed)).toBeGreaterThan(0n);
  }, 240_000); // 400 paid calls and three on-chain settlements

  it('detects a tampered epoch, and a challenge upheld by governance leaves no one paid from it', async () => {
    const operator = net.client(9);
    await operator.login();
    type Earnings = { pool: string; creditedByEpoch: { epoch: string }[] };
    const earningsOf = () =>
      Promise.all(
        contributors.map(async (a) => {
          const e = await operator.request<Earnings>('GET', `/v1/earnings/contributors/${a}`);
          return { pool: e.pool, creditedByEpoch: e.creditedByEpoch };
        }),
      );
    const earningsBefore = await earningsOf();
    const client = new OpenAI({ baseURL: `${net.url}/v1`, apiKey: apiKeys[0]!, maxRetries: 0 });
    for (let i = 0; i < 5; i++)
      await client.completions.create({
        model: 'ngram',
        prompt: 'Otters on the Spey',
        max_tokens: 10,
        seed: i,
      });
    expect(await operator.runSettlement()).toEqual({ settled: ['4'] });
    const creditedIn4 = (e: Earnings) => e.creditedByEpoch.some((c) => c.epoch === '4');
    expect((await earningsOf()).some(creditedIn4)).toBe(true);
    const { publicClient, walletClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[8]!,
    });
    const distributor = {
      address: net.chain.addresses.rewardDistributor,
      abi: rewardDistributorAbi,
    } as const;
    const nodeAddress = node.ctx.chain.operator.address;
    const onChain = await publicClient.readContract({
      ...distributor,
      functionName: 'getEpoch',
      args: [nodeAddress, 4n],
    });

    // One receipt's attribution changed before publishing: verify-epoch finds it.
    const data = await operator.epochData(4);
    const tampered = structuredClone(data);
    const target = tampered.receipts[0]!.receipt.attribution.contributions[0]!;
    target.contributor = net.chain.accounts[8]!;
    const checked = await verifyEpoch({
      data: tampered,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      onChain,
      previous: {
        data: await operator.epochData(3),
        creditsRoot: (
          await publicClient.readContract({
            ...distributor,
            functionName: 'getEpoch',
            args: [nodeAddress, 3n],
          })
        ).creditsRoot,
      },
    });
    expect(checked.valid).toBe(false);
    expect(checked.problems.join('\n')).toMatch(/signature|credits root/);

    // The challenger posts the bond within the window; governance upholds the challenge.
    await net.giveTokens(8, parseEther('1000'));
    const send = async (request: Parameters<typeof walletClient.writeContract>[0]) =>
      publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    await send({
      address: net.chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'approve',
      args: [distributor.address, parseEther('1000')],
    } as never);
    await send({
      ...distributor,
      functionName: 'challenge',
      args: [nodeAddress, 4n, `0x${'ee'.repeat(32)}`],
    } as never);
    await executeProposal(
      net.chain,
      [
        {
          target: distributor.address,
          data: encodeFunctionData({
            abi: rewardDistributorAbi,
            functionName: 'resolveChallenge',
            args: [nodeAddress, 4n, true, `0x${'11'.repeat(32)}`],
          }),
        },
      ],
      'Void epoch 4 of the node',
    );
    expect(
      (await publicClient.readContract({ ...distributor, functionName: 'getEpoch', args: [nodeAddress, 4n] }))
        .status,
    ).toBe(EpochStatus.Voided);
    await node.ctx.indexer.syncOnce();
    await node.ctx.indexer.idle(); // the void's follow-up work (the epoch marked voided) is done
    // No one is paid from the voided root; the payer gets its debit back.
    const rewards = await operator.rewards(contributors[2]!);
    expect(rewards.claimable === null || BigInt(rewards.claimable.epoch) < 4n).toBe(true);
    const page = data.derived.debits;
    await send({
      ...distributor,
      functionName: 'refundVoidedPage',
      args: [nodeAddress, 4n, 0, page.map((d) => d.payer), page.map((d) => BigInt(d.amount))],
    } as never);
    const epochs = await operator.request<{ epochs: { epoch: string; status: string }[] }>(
      'GET',
      '/v1/epochs',
    );
    expect(epochs.epochs.find((e) => e.epoch === '4')?.status).toBe('voided');
    // Earnings forget the voided epoch: credits and the training pool are as before it.
    expect(await earningsOf()).toEqual(earningsBefore);
    expect(
      await publicClient.readContract({
        address: net.chain.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [distributor.address],
      }),
    ).toBe(0n);
  });
});
