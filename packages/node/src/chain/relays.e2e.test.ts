/**
 * Relayed transactions when the chain loses blocks (a real Anvil reverted to a snapshot): a new
 * signed request never gets the lost one's result, the lost transaction is sent again, and a node
 * set to wait for confirmations answers only once they are there.
 */
import { parseEventLogs } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

const rpc = (net: TestNetwork, method: string, params: unknown[] = []) =>
  fetch(net.chain.anvil.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  }).then(async (r) => ((await r.json()) as { result: unknown }).result);

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('relays when the chain loses blocks (real Anvil)', () => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
  });
  afterAll(() => net?.stop());

  it('never answers a new signed request with a lost one, and sends the lost one again', async () => {
    const owner = net.client(1);
    await owner.login();
    const snapshot = await rpc(net, 'evm_snapshot');
    const first = await owner.createDatanet({
      metadata: { name: 'First' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    expect(first.metadata).toEqual({ name: 'First' });
    // The chain loses the block that created it.
    expect(await rpc(net, 'evm_revert', [snapshot])).toBe(true);
    expect((await owner.getAccount(owner.account!.address)).createDatanetNonce).toBe('0');

    // The owner signs a different request with the nonce the chain now expects.
    const second = await owner
      .createDatanet({
        metadata: { name: 'Second' },
        policy: { contributionMode: 'curated', licence: 'open' },
      })
      .then(
        (d) => ({ status: 201, metadata: d.metadata, id: d.id }),
        (e: { status: number; code: string }) => ({ status: e.status, code: e.code }),
      );
    // Either the lost request was sent again first (its nonce is used: 409), or the new one was relayed
    // as itself. Never the lost datanet answering the new request.
    if (second.status === 201) expect(second).toMatchObject({ metadata: { name: 'Second' } });
    else expect(second).toMatchObject({ status: 409 });

    // The lost transaction is on-chain again, as the owner signed it.
    await until('the lost datanet to be back', async () => {
      const all = await owner.listDatanets();
      return all.some((d) => d.metadata && (d.metadata as { name?: string }).name === 'First');
    });
    const [lost] = await node.ctx.db.query<{ status: string; hash: `0x${string}` }>(
      "select status, hash from outgoing_transactions where purpose like 'createDatanet:%' order by created_at limit 1",
    );
    expect(lost!.status).toBe('mined');
    const receipt = await node.ctx.chain.publicClient.getTransactionReceipt({ hash: lost!.hash });
    const [event] = parseEventLogs({
      abi: (await import('@tributary/protocol')).datanetRegistryAbi,
      logs: receipt.logs,
      eventName: 'DatanetCreated',
    });
    expect(event!.args.owner).toBe(owner.account!.address);

    // And the owner can go on: the next request gets its own datanet.
    const third = await owner.createDatanet({
      metadata: { name: 'Third' },
      policy: { contributionMode: 'open', licence: 'open' },
    });
    expect(third.metadata).toEqual({ name: 'Third' });
  }, 120_000); // three relays, a reverted chain, the lost one sent again
});

describe('a node that waits for confirmations (real Anvil)', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startTestNetwork({ config: { transactions: { confirmations: 2 } } });
    await net.startNode();
  });
  afterAll(() => net?.stop());

  it('reports a relayed transaction only after two more blocks', async () => {
    const owner = net.client(1);
    await owner.login();
    const head = BigInt((await rpc(net, 'eth_blockNumber')) as string);
    let settled = false;
    const created = owner
      .createDatanet({
        metadata: { name: 'Confirmed' },
        policy: { contributionMode: 'open', licence: 'open' },
      })
      .finally(() => {
        settled = true;
      });
    // Mined (Anvil mines each transaction at once), but not yet confirmed.
    await until(
      'the relay to be mined',
      async () => BigInt((await rpc(net, 'eth_blockNumber')) as string) > head,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(settled).toBe(false);
    await rpc(net, 'anvil_mine', ['0x2']);
    expect((await created).metadata).toEqual({ name: 'Confirmed' });
  }, 60_000);
});
