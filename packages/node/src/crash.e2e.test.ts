import { datanetRegistryAbi } from '@tributary/protocol';
import { TributaryApiError } from '@tributary/sdk';
import { createPublicClient, http } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from './testing/testNetwork.js';

/**
 * kill -9 at chosen steps (TRIBUTARY_CRASH_AT) and at random moments: after a restart nothing
 * acknowledged is lost and nothing is done twice.
 */
// Each test starts and kills node processes (each start compiles the node with tsx).
describe('crash and restart', { timeout: 150_000 }, () => {
  let net: TestNetwork;
  let datanetId: string;
  beforeAll(async () => {
    net = await startTestNetwork();
    const { child, exited } = await net.spawnNode();
    const owner = net.client(1);
    await owner.login();
    datanetId = (
      await owner.createDatanet({
        metadata: { name: 'Crash tests' },
        policy: { contributionMode: 'open', licence: 'open' },
      })
    ).id;
    child.kill('SIGKILL');
    await exited;
  }, 150_000);
  afterEach(() => net?.killNodes());
  afterAll(() => net?.stop());

  /** Runs the node with a crash point, does `work` (which the crash interrupts), then restarts it normally. */
  async function crashDuring(point: string, work: () => Promise<unknown>) {
    const { exited } = await net.spawnNode({ TRIBUTARY_CRASH_AT: point });
    const outcome = await work().then(
      () => 'answered',
      (error) => (error instanceof TributaryApiError ? `error ${error.code}` : 'no answer'),
    );
    expect(await exited).toBe(137);
    expect(outcome).toBe('no answer');
    return net.spawnNode();
  }

  const versionCount = async () =>
    createPublicClient({ transport: http(net.chain.anvil.rpcUrl) }).readContract({
      address: net.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getDatanet',
      args: [BigInt(datanetId)],
    });

  it('an upload killed after its row committed is kept once; retrying it is a replay', async () => {
    const user = net.client(2);
    const upload = () =>
      user.contribute({ datanetId, filename: 'a.txt', content: 'kept after the crash', nonce: 1001n });
    const restarted = await crashDuring('contribution:row-committed', upload);
    const items = await user.listContributions(datanetId);
    expect(items.filter((c) => c.filename === 'a.txt')).toHaveLength(1);
    await expect(upload()).rejects.toMatchObject({ status: 409, code: 'NONCE_REPLAYED' });
    restarted.child.kill('SIGKILL');
    await restarted.exited;
  });

  it('an upload killed before its row committed is not kept; retrying it succeeds once', async () => {
    const user = net.client(3);
    const upload = () =>
      user.contribute({ datanetId, filename: 'b.txt', content: 'lost before the ack', nonce: 2002n });
    const restarted = await crashDuring('contribution:blob-written', upload);
    expect((await user.listContributions(datanetId)).filter((c) => c.filename === 'b.txt')).toHaveLength(0);
    expect((await upload()).status).toBe('accepted');
    expect((await user.listContributions(datanetId)).filter((c) => c.filename === 'b.txt')).toHaveLength(1);
    restarted.child.kill('SIGKILL');
    await restarted.exited;
  });

  it('uploads killed at a random moment mid-work: every acknowledged one survives, retries settle the rest exactly once', async () => {
    const user = net.client(4);
    const { child, exited } = await net.spawnNode();
    const total = 24;
    const uploads = Array.from({ length: total }, (_, i) => ({ i, nonce: BigInt(5000 + i) }));
    const send = ({ i, nonce }: { i: number; nonce: bigint }) =>
      user.contribute({
        datanetId,
        filename: `r${i}.txt`,
        content: `random crash upload number ${i}`,
        nonce,
      });
    // The kill follows progress, not the clock: it lands right after the k-th acknowledgment
    // (k drawn at random), with other uploads in flight and the rest not yet sent.
    const inFlight = 4;
    const killAfter = 3 + Math.floor(Math.random() * 8);
    const acknowledged = new Set<string>();
    const failedBeforeKill: unknown[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < total) {
        const upload = uploads[next++]!;
        try {
          await send(upload);
          acknowledged.add(`r${upload.i}.txt`);
          if (!killed && acknowledged.size >= killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        } catch (error) {
          if (!killed) failedBeforeKill.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    await exited;
    expect(failedBeforeKill).toEqual([]);
    expect(killed).toBe(true);
    // Mid-work: some acknowledged, some not (at most the in-flight ones answered after the kill).
    expect(acknowledged.size, `killed after ${killAfter} acknowledgments`).toBeGreaterThanOrEqual(killAfter);
    expect(acknowledged.size).toBeLessThan(total);
    expect(next).toBeLessThan(total);

    const restarted = await net.spawnNode();
    const stored = (await user.listContributions(datanetId)).filter((c) => /^r\d+\.txt$/.test(c.filename));
    for (const name of acknowledged) expect(stored.map((c) => c.filename)).toContain(name);
    for (const u of uploads) {
      await send(u).catch((error) => expect(error).toMatchObject({ status: 409 }));
    }
    const after = (await user.listContributions(datanetId)).filter((c) => /^r\d+\.txt$/.test(c.filename));
    expect(after.map((c) => c.filename).sort()).toEqual(uploads.map((u) => `r${u.i}.txt`).sort());
    restarted.child.kill('SIGKILL');
    await restarted.exited;
  });

  it.each(['version:prepared', 'signed:commitVersion', 'broadcast:commitVersion'])(
    'a version commit killed at %s is committed exactly once after restart',
    async (point) => {
      const owner = net.client(1);
      const user = net.client(5);
      const before = (await versionCount()).versionCount;
      // Something new to commit.
      const { child, exited } = await net.spawnNode();
      await user.contribute({ datanetId, filename: `${point}.txt`, content: `new item before ${point}` });
      child.kill('SIGKILL');
      await exited;
      const restarted = await crashDuring(point, async () => {
        await owner.login();
        return owner.commitVersion(datanetId);
      });
      await owner.login();
      const versions = await owner.listVersions(datanetId);
      expect(versions.at(-1)).toMatchObject({ version: Number(before) + 1, status: 'committed' });
      expect((await versionCount()).versionCount).toBe(before + 1n);
      await expect(owner.commitVersion(datanetId)).rejects.toMatchObject({
        status: 409,
        code: 'NOTHING_TO_COMMIT',
      });
      expect((await versionCount()).versionCount).toBe(before + 1n);
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    },
  );

  it('a restarted node sees the same state', async () => {
    const first = await net.spawnNode();
    const reader = net.client(6);
    const datanets = await reader.listDatanets();
    const contributions = await reader.listContributions(datanetId);
    const versions = await reader.listVersions(datanetId);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = await net.spawnNode();
    expect(await reader.listDatanets()).toEqual(datanets);
    expect(await reader.listContributions(datanetId)).toEqual(contributions);
    expect(await reader.listVersions(datanetId)).toEqual(versions);
    second.child.kill('SIGKILL');
    await second.exited;
  });
});
