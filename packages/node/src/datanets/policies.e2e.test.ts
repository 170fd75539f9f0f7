import { createProtocolClients, datanetRegistryAbi, tributaryTokenAbi } from '@tributary/protocol';
import { executeProposal } from '@tributary/protocol/testing';
import { createPublicClient, encodeFunctionData, type Hex, http, parseEther, sha256, toBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

describe('datanet policies: governance bans, daily limits, contribution bonds', () => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork({
      config: { limits: { maxContributionsPerDay: 3, maxBytesPerDay: 1_000_000, maxUploadBytes: 100_000 } },
    });
    node = await net.startNode();
  });
  afterAll(() => net?.stop());

  it('refuses a contributor banned by a governance vote (403)', async () => {
    const owner = net.client(1);
    const spammer = net.client(8);
    await owner.login();
    const datanet = await owner.createDatanet({
      metadata: { name: 'Ban test' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    await spammer.contribute({ datanetId: datanet.id, filename: 'ok.txt', content: 'before the vote' });
    await executeProposal(
      net.chain,
      [
        {
          target: net.chain.addresses.datanetRegistry,
          data: encodeFunctionData({
            abi: datanetRegistryAbi,
            functionName: 'setBanned',
            args: [spammer.account!.address, true],
          }),
        },
      ],
      'Ban a spammer from contributing',
    );
    // The ban is on-chain once the proposal executed: wait for the node to index that block.
    await node.ctx.indexer.waitForBlock(
      await createPublicClient({ transport: http(net.chain.anvil.rpcUrl) }).getBlockNumber(),
    );
    expect((await spammer.getAccount(spammer.account!.address)).banned).toBe(true);
    await expect(
      spammer.contribute({ datanetId: datanet.id, filename: 'no.txt', content: 'after the vote' }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'CONTRIBUTOR_BANNED',
    });
    expect(await owner.listContributions(datanet.id)).toHaveLength(1);
  });

  it('limits contributions per contributor per day (429)', async () => {
    const owner = net.client(1);
    const busy = net.client(7);
    const datanet = await owner.createDatanet({
      metadata: { name: 'Limit test' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    for (let i = 0; i < 3; i++)
      await busy.contribute({ datanetId: datanet.id, filename: `${i}.txt`, content: `note number ${i}` });
    await expect(
      busy.contribute({ datanetId: datanet.id, filename: '3.txt', content: 'one too many' }),
    ).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(await owner.listContributions(datanet.id)).toHaveLength(3);
  });

  it('asks for the contribution bond (402); the curator returns it, or forfeits it to the treasury', async () => {
    const owner = net.client(1);
    await owner.login();
    const bond = parseEther('5');
    const datanet = await owner.createDatanet({
      metadata: { name: 'Bonded' },
      policy: { contributionMode: 'curated', licence: 'open', contributionBond: bond.toString() },
    });
    const [good, spam] = [net.client(5), net.client(6)];
    const goodText = 'A careful note on sediment transport in braided rivers.';
    const spamText = 'FREE MONEY CLICK HERE';
    await expect(
      good.contribute({ datanetId: datanet.id, filename: 'g.txt', content: goodText }),
    ).rejects.toMatchObject({
      status: 402,
      code: 'BOND_REQUIRED',
    });
    const post = async (key: Hex, text: string) => {
      const { walletClient, publicClient } = await createProtocolClients({
        rpcUrl: net.chain.anvil.rpcUrl,
        account: key,
        pollingInterval: 50,
      });
      const send = async (request: Parameters<typeof walletClient.writeContract>[0]) =>
        publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
      await send({
        address: net.chain.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'approve',
        args: [net.chain.addresses.datanetRegistry, bond],
      } as never);
      await send({
        address: net.chain.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'postBond',
        args: [BigInt(datanet.id), sha256(toBytes(text)), bond],
      } as never);
    };
    const balance = async (i: number) =>
      (
        await createProtocolClients({ rpcUrl: net.chain.anvil.rpcUrl, account: net.chain.keys[0]! })
      ).publicClient.readContract({
        address: net.chain.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [net.chain.accounts[i]!],
      });
    for (const i of [5, 6]) await net.giveTokens(i, parseEther('10'));
    await post(net.chain.keys[5]!, goodText);
    await post(net.chain.keys[6]!, spamText);
    const g = await good.contribute({ datanetId: datanet.id, filename: 'g.txt', content: goodText });
    const s = await spam.contribute({ datanetId: datanet.id, filename: 's.txt', content: spamText });
    const ownerBefore = await balance(1);
    await owner.review({ contributionId: g.id, decision: 'accept' });
    await owner.review({ contributionId: s.id, decision: 'reject', forfeitBond: true });
    expect(await balance(5)).toBe(parseEther('10'));
    expect(await balance(6)).toBe(parseEther('5'));
    // A forfeit never pays the owner: it waits out the contributor's appeal, then goes to the treasury.
    expect((await balance(1)) - ownerBefore).toBe(0n);
    const chain = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[0]!,
    });
    const held = await chain.publicClient.readContract({
      address: net.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getBond',
      args: [BigInt(datanet.id), net.chain.accounts[6]!, sha256(toBytes(spamText))],
    });
    expect([held.amount, held.stage]).toEqual([bond, 2]); // Forfeiting, appealable
  });
});
