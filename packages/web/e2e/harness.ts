/**
 * What every journey does with the browser: a fresh context on the shared chromium, a guard
 * that fails the journey if the page requests anything off this machine or throws, axe-core on
 * each page, keyboard helpers, the dev-account picker, and the journey's screenshot.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Hex } from 'viem';
import { expect, inject } from 'vitest';
import { OUTPUT } from './globalSetup';
import { type TestWalletOptions, testWalletScript } from './testWallet';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type Journey = {
  page: Page;
  context: BrowserContext;
  nodeUrl: string;
  rpcUrl: string;
  /** Goes to an app path and waits for the page's heading. */
  open(path: string, heading: string | RegExp): Promise<void>;
  /** axe-core on the current page: no serious or critical violation. */
  checkA11y(label: string): Promise<void>;
  /** Connects dev account `index` through the wallet picker. */
  connectDev(index: number): Promise<void>;
  screenshot(): Promise<string>;
  close(): Promise<void>;
};

/** An SDK client signing with Anvil key `index` (test setup outside the browser). */
export const devClient = (index: number) =>
  createTributaryClient({ url: inject('nodeUrl'), account: ANVIL_PRIVATE_KEYS[index] as Hex });

export async function startJourney(
  name: string,
  options: { wallet?: TestWalletOptions } = {},
): Promise<Journey> {
  const nodeUrl = inject('nodeUrl');
  const rpcUrl = inject('rpcUrl');
  const browser: Browser = await chromium.connect(inject('wsEndpoint'));
  const context = await browser.newContext({
    baseURL: nodeUrl,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  if (options.wallet) await context.addInitScript(testWalletScript, { rpcUrl, ...options.wallet });
  const offMachine: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (!LOCAL_HOSTS.has(url.hostname)) offMachine.push(request.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const journey: Journey = {
    page,
    context,
    nodeUrl,
    rpcUrl,
    async open(path, heading) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    },
    async checkA11y(label) {
      await page.evaluate(axeSource);
      const result = (await page.evaluate(() =>
        (window as unknown as { axe: { run: (o: object) => Promise<unknown> } }).axe.run({
          resultTypes: ['violations'],
        }),
      )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
      const counts: Record<string, number> = {};
      for (const v of result.violations) counts[v.impact] = (counts[v.impact] ?? 0) + v.nodes.length;
      appendFileSync(
        join(OUTPUT, 'axe.jsonl'),
        `${JSON.stringify({ journey: name, page: label, url: page.url(), violations: counts })}\n`,
      );
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad, `axe on ${label}`).toEqual([]);
    },
    async connectDev(index) {
      await page.getByRole('button', { name: 'Connect wallet' }).click();
      await page.getByRole('button', { name: `Dev account #${index}`, exact: true }).click();
      await page.getByText('Connected as').waitFor({ state: 'attached' });
    },
    async screenshot() {
      const path = join(OUTPUT, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await browser.close();
      expect(pageErrors, 'errors the page threw').toEqual([]);
      expect(offMachine, 'requests to hosts other than this machine').toEqual([]);
    },
  };
  return journey;
}

/** Presses Tab until the focused element has `name` (at most `limit` presses); fails otherwise. */
export async function tabTo(page: Page, name: RegExp | string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el
        ? (el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).value ?? '').trim()
        : '';
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`no focusable element named ${String(name)} within ${limit} Tab presses`);
}

/** A paid call to the node by dev account `index` (funds its escrow first); returns the receipt id. */
export async function paidCall(index: number, question: string): Promise<Hex> {
  const payer = devClient(index);
  await payer.fundCalls({ amount: 10n ** 19n, cap: 10n ** 19n });
  const apiKey = await payer.login({ label: 'web e2e' });
  const response = await fetch(`${inject('nodeUrl')}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'rivers-ngram',
      messages: [{ role: 'user', content: question }],
      max_tokens: 32,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { receipt_id: Hex }).receipt_id;
}

/** Anvil's clock forward by `seconds` (a new block carries the time). */
export async function advanceChainTime(seconds: number): Promise<void> {
  for (const [method, params] of [
    ['evm_increaseTime', [seconds]],
    ['evm_mine', []],
  ] as const) {
    await fetch(inject('rpcUrl'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
  }
}

/** Polls `read` until `done` holds for its value (state the node indexes from the chain), at most `ms`. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`still not there after ${ms} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
