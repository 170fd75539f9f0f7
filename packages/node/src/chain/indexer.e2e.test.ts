import { createProtocolClients, datanetRegistryAbi, policyToChain } from '@tributary/protocol';
import { keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';

describe('event indexer', () => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
  });
  afterAll(() => net?.stop());

  const ownerClients = () =>
    createProtocolClients({
      rpcUrl: net.chain.anvil.rpcUrl,
      account: net.chain.keys[3]!,
      pollingInterval: 50,
    });
  const createDirectly = async (name: string) => {
    // The owner's own wallet transaction: the node learns of it only through the indexer.
    const { walletClient, publicClient } = await ownerClients();
    const hash = await walletClient.writeContract({
      address: net.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'createDatanet',
      args: [keccak256(toHex(name)), policyToChain({ contributionMode: 'open', licence: 'open' })],
    });
    return publicClient.waitForTransactionReceipt({ hash });
  };
  const snapshotTables = async () => {
    const { db } = node.ctx;
    return {
      events: await db.query(
        'select block_number, log_index, event_name, args from chain_events order by block_number, log_index',
      ),
      datanets: await db.query(
        'select id::text, owner, metadata_hash, policy, version_count from datanets order by id',
      ),
      curators: await db.query('select datanet_id::text, account from datanet_curators order by 1, 2'),
    };
  };

  it('indexes a wallet-sent transaction, and re-indexing from scratch changes nothing', async () => {
    const receipt = await createDirectly('direct');
    await node.ctx.indexer.waitForBlock(receipt.blockNumber);
    const before = await snapshotTables();
    expect(before.datanets.length).toBeGreaterThan(0);
    await node.ctx.db.query('delete from indexer_cursor');
    await node.ctx.indexer.syncOnce();
    expect(await snapshotTables()).toEqual(before);
  });

  it('resumes from its persisted cursor after a restart', async () => {
    const [cursor] = await node.ctx.db.query<{ block_number: bigint }>(
      'select block_number from indexer_cursor',
    );
    await node.stop();
    const receipt = await createDirectly('while stopped');
    node = await net.startNode();
    const [resumed] = await node.ctx.db.query<{ block_number: bigint }>(
      'select block_number from indexer_cursor',
    );
    expect(resumed!.block_number).toBeGreaterThanOrEqual(receipt.blockNumber);
    expect(resumed!.block_number).toBeGreaterThan(cursor!.block_number);
    const datanets = await net.client(1).listDatanets();
    expect(datanets.some((d) => d.metadataHash === keccak256(toHex('while stopped')))).toBe(true);
  });

  it('undoes events of blocks that a reorg removed', async () => {
    const { publicClient } = await ownerClients();
    const snapshot = await publicClient.request({ method: 'evm_snapshot' as never, params: [] as never });
    const receipt = await createDirectly('orphaned');
    await node.ctx.indexer.waitForBlock(receipt.blockNumber);
    const hash = keccak256(toHex('orphaned'));
    expect((await net.client(1).listDatanets()).some((d) => d.metadataHash === hash)).toBe(true);

    await publicClient.request({ method: 'evm_revert' as never, params: [snapshot] as never });
    // The new chain is longer than the old one, with other blocks at the same heights.
    for (let i = 0; i < 3; i++)
      await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
    const head = await publicClient.getBlockNumber();
    await node.ctx.indexer.waitForBlock(head);
    expect((await net.client(1).listDatanets()).some((d) => d.metadataHash === hash)).toBe(false);
    const orphanEvents = await node.ctx.db.query('select 1 from chain_events where block_number = $1', [
      receipt.blockNumber,
    ]);
    expect(orphanEvents).toHaveLength(0);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/tributary_indexer_reorgs_total 1/);
  });
});

describe('health, readiness and metrics', () => {
  let net: TestNetwork;
  let node: RunningNode;
  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
  });
  afterAll(() => net?.stop());

  it('answers /health, /ready and /metrics, and JSON errors for unknown routes', async () => {
    expect(await (await fetch(`${node.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${node.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', chain: 'ok', indexer: 'ok' },
    });
    await fetch(`${node.url}/v1/datanets`);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(
      /tributary_http_requests_total\{method="GET",route="\/v1\/datanets",status="200"\} 1/,
    );
    expect(metrics).toMatch(/tributary_indexer_block \d+/);
    const missing = await fetch(`${node.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    await net.chain.anvil.stop();
    const notReady = await fetch(`${node.url}/ready`);
    expect(notReady.status).toBe(503);
  });
});
