import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const KEY = `0x${'11'.repeat(32)}`;

describe('loadConfig', () => {
  const homes: string[] = [];
  const home = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-config-'));
    homes.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('fills every section with its defaults when none is given', () => {
    const config = loadConfig({ env: { TRIBUTARY_HOME: home(), OPERATOR_KEY: KEY } });
    expect(config.limits).toEqual({
      maxUploadBytes: 1_048_576,
      maxContributionsPerDay: 200,
      maxBytesPerDay: 20 * 1_048_576,
      maxMetadataPerDay: 100,
    });
    expect(config.cors).toEqual({ origins: [] });
    expect(config.transactions).toEqual({});
    expect(config.blobs).toEqual({ gcIntervalMs: 3_600_000, gcGraceMs: 3_600_000 });
    expect(
      loadConfig({ env: { TRIBUTARY_HOME: home(), OPERATOR_KEY: KEY, CORS_ORIGINS: 'https://a.example, *' } })
        .cors,
    ).toEqual({ origins: ['https://a.example', '*'] });
    expect(config.indexer).toEqual({
      pollIntervalMs: 500,
      confirmations: 0,
      reorgDepth: 64,
      batchSize: 2_000,
    });
    expect(config.settlement).toEqual({
      epochSeconds: 3_600,
      maxReceipts: 10_000,
      pageSize: 200,
      pollMs: 5_000,
    });
    expect(config.log).toEqual({ level: 'info' });
    expect(config.publicUrl).toBe('http://127.0.0.1:8787');
    expect(config.addressesFile).toBe(join(config.home, 'addresses.json'));
  });

  it('keeps the defaults of the fields a partial section leaves out; env wins over the file, overrides over both', () => {
    const dir = home();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ port: 9000, settlement: { pollMs: 0 }, indexer: { batchSize: 10 } }),
    );
    const config = loadConfig({
      env: { TRIBUTARY_HOME: dir, OPERATOR_KEY: KEY, PORT: '9100', LOG_LEVEL: 'warn' },
      overrides: { limits: { maxUploadBytes: 10 } },
    });
    expect(config.port).toBe(9100);
    expect(config.settlement).toMatchObject({ pollMs: 0, epochSeconds: 3_600, pageSize: 200 });
    expect(config.indexer).toMatchObject({ batchSize: 10, pollIntervalMs: 500 });
    expect(config.limits).toMatchObject({ maxUploadBytes: 10, maxContributionsPerDay: 200 });
    expect(config.log.level).toBe('warn');
  });

  it('reads SERVING_IDLE_INLINE as a yes/no word (on by default) and refuses anything else', () => {
    const serving = (env: Record<string, string>) =>
      loadConfig({ env: { TRIBUTARY_HOME: home(), OPERATOR_KEY: KEY, ...env } }).serving;
    expect(serving({}).idleRunsInline).toBe(true);
    expect(serving({ SERVING_IDLE_INLINE: 'false' }).idleRunsInline).toBe(false);
    expect(serving({ SERVING_IDLE_INLINE: '0' }).idleRunsInline).toBe(false);
    expect(serving({ SERVING_IDLE_INLINE: 'true', SERVING_WORKERS: '3' })).toMatchObject({
      idleRunsInline: true,
      workers: 3,
    });
    expect(() => serving({ SERVING_IDLE_INLINE: 'maybe' })).toThrow(ConfigError);
  });

  it('names each bad field', () => {
    const error = (() => {
      try {
        loadConfig({ env: { TRIBUTARY_HOME: home(), OPERATOR_KEY: '0x12', PORT: 'ninety' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^operatorKey: /), expect.stringMatching(/^port: /)]),
    );
  });
});
