import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runDev, stopDev as stop } from './testing/devProcess.js';

describe('tributary dev', () => {
  const home = mkdtempSync(join(tmpdir(), 'tributary-dev-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('starts a local network with the demo datanet, and a second run resumes the same state', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    const first = await runDev(home, chainPort, port);
    expect(first.summary).toMatchObject({
      resumed: false,
      demo: { datanetId: '1', version: 1, model: 'rivers-ngram' },
    });
    const api = `http://127.0.0.1:${port}`;
    const datanets = (await (await fetch(`${api}/v1/datanets`)).json()) as {
      datanets: { metadata: { name: string } }[];
    };
    const contributions = (await (await fetch(`${api}/v1/datanets/1/contributions`)).json()) as {
      contributions: { contributor: string }[];
    };
    expect(datanets.datanets[0]?.metadata.name).toBe('Rivers and their tributaries');
    expect(contributions.contributions).toHaveLength(10);
    const models = (await (await fetch(`${api}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['rivers-ngram']);
    expect(new Set(contributions.contributions.map((c: { contributor: string }) => c.contributor)).size).toBe(
      3,
    );
    expect(await stop(first.child)).toBe(0);

    const second = await runDev(home, chainPort, port);
    expect(second.summary).toMatchObject({ resumed: true, demo: { datanetId: '1', version: 1 } });
    expect(await (await fetch(`${api}/v1/datanets`)).json()).toEqual(datanets);
    expect(await (await fetch(`${api}/v1/datanets/1/contributions`)).json()).toEqual(contributions);
    const versions = (await (await fetch(`${api}/v1/datanets/1/versions`)).json()) as { versions: unknown[] };
    expect(versions.versions).toHaveLength(1);
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses a second instance on the same home with a clear error', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    const first = await runDev(home, chainPort, port);
    const [chainPort2, port2] = [await freePort(), await freePort()];
    const second = await runCli([
      'dev',
      '--home',
      home,
      '--chain-port',
      String(chainPort2),
      '--port',
      String(port2),
    ]);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain('another tributary dev');
    expect(await stop(first.child)).toBe(0);
  });
});
