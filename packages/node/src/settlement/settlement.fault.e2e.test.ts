import {
  createProtocolClients,
  EpochStatus,
  paymentEscrowAbi,
  type Receipt,
  rewardDistributorAbi,
  verifyReceipt,
} from '@tributary/protocol';
import OpenAI from 'openai';
import { type Hex, parseEther } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFlakyProxy } from '../testing/flakyProxy.js';
import { buildAndRegister, fundPayer, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { buildEpoch } from './buildEpoch.js';
import { closeEpoch } from './closeEpoch.js';
import { settlementPass } from './settle.js';

/** Two payers make a few calls each (so an epoch has two debit pages with pageSize 1). */
async function makeCalls(net: TestNetwork, keys: string[], count = 3) {
  for (const apiKey of keys) {
    const client = new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
    for (let i = 0; i < count; i++)
      await client.completions.create({
        model: 'faults',
        prompt: 'The Glenmoriston kelpie',
        max_tokens: 8,
        seed: i,
      });
  }
}

async function chainEpoch(net: TestNetwork, epoch: bigint) {
  const { publicClient } = await createProtocolClients({
    rpcUrl: net.chain.anvil.rpcUrl,
    account: net.chain.keys[0]!,
  });
  const distributor = { address: net.chain.addresses.rewardDistributor, abi: rewardDistributorAbi } as const;
  const node = net.chain.accounts[9]!;
  return {
    epoch: await publicClient.readContract({ ...distributor, functionName: 'getEpoch', args: [node, epoch] }),
    state: await publicClient.readContract({ ...distributor, functionName: 'getNodeState', args: [node] }),
  };
}

// Each kill test starts three node processes and settles on-chain.
describe('settlement survives kill -9 at every step', { timeout: 150_000 }, () => {
  let net: TestNetwork;
  let keys: string[];
  beforeAll(async () => {
    net = await startTestNetwork({
      config: { settlement: { pageSize: 1, pollMs: 0 } },
    });
    const { child, exited } = await net.spawnNode();
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'infini-gram', 'faults');
    keys = [await fundPayer(net, 6, parseEther('10')), await fundPayer(net, 7, parseEther('10'))];
    child.kill('SIGKILL');
    await exited;
  }, 150_000); // a node process builds a model and serves calls
  afterEach(() => net?.killNodes());
  afterAll(() => net?.stop());

  const points = [
    'settlement:built',
    'signed:settleEpoch',
    'broadcast:settleEpoch',
    'settlement:page-0-sent',
  ];
  it.each(points.map((p, i) => [p, BigInt(i + 1)] as const))(
    'an epoch killed at %s settles exactly once after a restart',
    async (point, epoch) => {
      const operator = net.client(9);
      const normal = await net.spawnNode();
      await makeCalls(net, keys);
      normal.child.kill('SIGKILL');
      await normal.exited;

      const crashing = await net.spawnNode({ TRIBUTARY_CRASH_AT: point });
      await operator.login();
      await operator.runSettlement().catch(() => {}); // the node dies mid-settlement
      expect(await crashing.exited).toBe(137);

      const restarted = await net.spawnNode();
      await operator.login();
      await operator.runSettlement({ close: false });
      const { epoch: onChain, state } = await chainEpoch(net, epoch);
      expect(state.lastEpoch).toBe(epoch);
      expect(onChain.status).toBe(EpochStatus.Settled);
      expect(onChain.pagesDone).toBe(2);
      expect(onChain.debited).toBe(onChain.totalFee);
      const epochs = await operator.request<{ epochs: { epoch: string; status: string }[] }>(
        'GET',
        '/v1/epochs',
      );
      expect(epochs.epochs.filter((e) => e.status === 'settled').map((e) => e.epoch)).toEqual(
        Array.from({ length: Number(epoch) }, (_, i) => String(i + 1)),
      );
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    },
  );

  it('receipts answered before their statement committed survive kill -9 (the journal) and settle exactly once', async () => {
    // The receipts' statements are held back: every answer below is acknowledged from the journal alone.
    const crashing = await net.spawnNode({ TRIBUTARY_PAUSE_AT: 'receipts:write-behind:600000' });
    const answered: { id: string; fee: bigint }[] = [];
    for (const apiKey of keys) {
      const client = new OpenAI({ baseURL: `${net.url}/v1`, apiKey, maxRetries: 0 });
      for (let i = 0; i < 3; i++) {
        const { data, response } = await client.completions
          .create({ model: 'faults', prompt: 'The Glenmoriston kelpie', max_tokens: 8, seed: 100 + i })
          .withResponse();
        expect(data.choices[0]!.text.length).toBeGreaterThan(0);
        answered.push({
          id: response.headers.get('x-tributary-receipt-id')!,
          fee: BigInt(response.headers.get('x-tributary-fee')!),
        });
      }
    }
    crashing.child.kill('SIGKILL');
    expect(await crashing.exited).toBe(137);

    const restarted = await net.spawnNode();
    const operator = net.client(9);
    await operator.login();
    const epochs = new Set<string>();
    for (const { id, fee } of answered) {
      const stored = await operator.request<{ receipt: Receipt; signature: Hex }>(
        'GET',
        `/v1/receipts/${id}`,
      );
      expect(BigInt(stored.receipt.fee)).toBe(fee);
      epochs.add(stored.receipt.epoch);
      // Journaled unsigned; signed when the restart stored it, by the node's key.
      const checked = await verifyReceipt({
        ...stored,
        rewardDistributor: net.chain.addresses.rewardDistributor,
        expectedSigner: net.chain.accounts[9], // NODE_KEY signs (no separate signing key)
      });
      expect(checked.problems).toEqual([]);
    }
    expect(epochs.size).toBe(1); // the open epoch, which settles next
    const epoch = BigInt([...epochs][0]!);
    await operator.runSettlement();
    const { epoch: onChain } = await chainEpoch(net, epoch);
    expect(onChain.status).toBe(EpochStatus.Settled);
    expect(onChain.totalFee).toBe(answered.reduce((sum, a) => sum + a.fee, 0n));
    expect(onChain.debited).toBe(onChain.totalFee);
    restarted.child.kill('SIGKILL');
    await restarted.exited;
  });
});

/** The message, code and details of an error, in one line. */
const describeError = (error: unknown) => {
  const e = error as { name?: string; code?: string; message?: string; details?: unknown };
  return [e.name, e.code, e.message, JSON.stringify(e.details ?? '')].join(' ');
};

/** A failure a dropped RPC connection explains: the transport failed, or the node gave up reaching the chain. */
const isConnectionFailure = (error: unknown) =>
  /CHAIN_UNAVAILABLE|HTTP request failed|fetch failed|socket|ECONNRESET|ECONNREFUSED|other side closed|terminated|timed out|took too long/i.test(
    describeError(error),
  );

describe('settlement through an RPC endpoint that drops connections, and after a forced revert', {
  timeout: 120_000,
}, () => {
  let net: TestNetwork;
  let keys: string[];
  let proxy: Awaited<ReturnType<typeof startFlakyProxy>>;
  beforeAll(async () => {
    net = await startTestNetwork();
    proxy = await startFlakyProxy({ target: net.chain.anvil.rpcUrl, dropRate: 0.3, seed: 7 });
  });
  afterAll(async () => {
    await net?.stop();
    await proxy?.stop();
  });

  it('settles exactly once although a third of its connections drop during settlement', async () => {
    proxy.setDropRate(0); // setup goes through the proxy untouched; the faults are for settlement
    const node = await net.startNode({ rpcUrl: proxy.url });
    const datanetId = await plantDatanet(net);
    await buildAndRegister(net, datanetId, 'infini-gram', 'faults');
    keys = [await fundPayer(net, 6, parseEther('10')), await fundPayer(net, 7, parseEther('10'))];
    await makeCalls(net, keys, 4);

    proxy.setDropRate(0.3);
    const [droppedBefore, requestsBefore] = [proxy.dropped(), proxy.requests()];
    let settled: bigint[] = [];
    const retried: string[] = [];
    for (let attempt = 0; attempt < 10 && settled.length === 0; attempt++) {
      try {
        settled = await settlementPass(node.ctx, { closeNow: attempt === 0 });
      } catch (error) {
        // Only what dropped connections explain is retried; any other failure fails the test.
        if (!isConnectionFailure(error)) throw error;
        retried.push(describeError(error));
      }
    }
    proxy.setDropRate(0);
    const drops = proxy.dropped() - droppedBefore;
    expect(settled, `retried after: ${retried.join(' | ')}`).toEqual([1n]);
    // The faults happened during settlement: connections were dropped while it talked to the chain.
    expect(proxy.requests() - requestsBefore).toBeGreaterThan(0);
    expect(drops).toBeGreaterThan(0);
    const { epoch, state } = await chainEpoch(net, 1n);
    expect([state.lastEpoch, epoch.status, epoch.pagesDone, epoch.debited === epoch.totalFee]).toEqual([
      1n,
      EpochStatus.Settled,
      epoch.pageCount,
      true,
    ]);
    await node.stop();
  });

  it('rebuilds an epoch whose settlement the chain refused (a payer withdrew), covering the shortfall from the node', async () => {
    const node = await net.startNode();
    const payer = net.chain.accounts[6]!;
    const { walletClient, publicClient } = await createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[6]!,
      pollingInterval: 50,
    });
    const escrow = { address: net.chain.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
    const account = await publicClient.readContract({ ...escrow, functionName: 'accountOf', args: [payer] });
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient.writeContract({
        ...escrow,
        functionName: 'requestWithdrawal',
        args: [account.balance],
      }),
    });
    await makeCalls(net, keys.slice(0, 1), 3);
    const epoch = await closeEpoch(node.ctx);
    await buildEpoch(node.ctx, epoch!);
    // The payer withdraws everything after the build: the built pages would now revert.
    await publicClient.request({ method: 'evm_increaseTime' as never, params: [700] as never });
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient.writeContract({ ...escrow, functionName: 'withdraw' }),
    });
    await expect(settlementPass(node.ctx)).rejects.toMatchObject({ code: 'CHAIN_REJECTED' });
    expect(await settlementPass(node.ctx)).toEqual([epoch]);
    const { epoch: onChain } = await chainEpoch(net, epoch!);
    expect([onChain.status, onChain.debited]).toEqual([EpochStatus.Settled, onChain.totalFee]);
    const own = await publicClient.readContract({
      ...escrow,
      functionName: 'accountOf',
      args: [net.chain.accounts[9]!],
    });
    expect(own.balance).toBe(parseEther('100000') - onChain.totalFee);
    await node.stop();
  });
});
