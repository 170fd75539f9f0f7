/**
 * One real dev network (`tributary dev --demo` on free ports, in a temporary home) and one
 * headless Debian chromium for every journey; their addresses are provided to the spec files.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDev, stopDev } from '@tributary/cli/testing';
import { freePort } from '@tributary/protocol';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';

export const OUTPUT = join(import.meta.dirname, '..', 'test-output');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    nodeUrl: string;
    rpcUrl: string;
    wsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  mkdirSync(OUTPUT, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'tributary-web-e2e-'));
  const { child, summary } = await runDev(home, await freePort(), await freePort());
  const stop = async () => {
    await stopDev(child);
    rmSync(home, { recursive: true, force: true });
  };
  if (!summary.app) {
    await stop();
    throw new Error('the node serves no web app: build it first (npm run build -w @tributary/web)');
  }
  // Playwright gives every launch a fresh temporary profile (--user-data-dir) of its own.
  const browser = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  project.provide('nodeUrl', String(summary.node));
  project.provide('rpcUrl', String(summary.rpc));
  project.provide('wsEndpoint', browser.wsEndpoint());
  return async () => {
    await browser.close();
    await stop();
  };
}
