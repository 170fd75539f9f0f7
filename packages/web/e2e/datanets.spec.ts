/**
 * Journey 1, datanets: browse and search; a datanet's policy, licence, contributors and on-chain
 * history; create a curated datanet with a bond; contribute by drag and drop; the owner's queue
 * (accept: bond returned; reject: bond forfeited); commit a version; download a Merkle proof;
 * request a takedown. Also: a declined wallet request and a wallet on the wrong chain, in words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT } from './globalSetup';
import { devClient, type Journey, startJourney, tabTo } from './harness';

const dropFiles = (j: Journey, files: { name: string; text: string }[]) =>
  j.page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([f.text], f.name, { type: 'text/markdown' }));
    return data;
  }, files);

describe('datanets journey', () => {
  let j: Journey;
  beforeAll(async () => {
    j = await startJourney('datanets');
  });
  afterAll(async () => {
    await j?.close();
  });

  it('browses and searches datanets, by keyboard too', async () => {
    await j.open('/', 'Tributary');
    await tabTo(j.page, 'Datanets');
    await j.page.keyboard.press('Enter');
    await j.page.getByRole('heading', { level: 1, name: 'Datanets' }).waitFor();
    const search = j.page.getByLabel('Search datanets');
    await search.fill('rivers');
    await expect(j.page.getByRole('link', { name: 'Rivers and their tributaries' }).count()).resolves.toBe(1);
    await search.fill('no such topic');
    await j.page.getByText('No datanet matches').waitFor();
    await search.fill('');
    await j.checkA11y('datanets list');
  });

  it("shows a datanet's policy, licence, contributors and history with transactions", async () => {
    await j.page.getByRole('link', { name: 'Rivers and their tributaries' }).click();
    await j.page.getByRole('heading', { level: 1, name: 'Rivers and their tributaries' }).waitFor();
    const policy = j.page.getByRole('region', { name: 'Policy and licence' });
    await expect(policy.textContent()).resolves.toContain('CC0-1.0');
    await expect(policy.textContent()).resolves.toContain('open: accepted at once');
    const contributors = j.page.getByRole('region', { name: 'Contributors' });
    await expect(contributors.getByRole('row').count()).resolves.toBe(4); // header + 3 demo contributors
    const versions = j.page.getByRole('region', { name: 'Versions' });
    await versions.getByText('Version committed').waitFor();
    await j.checkA11y('datanet page');
    await versions
      .getByRole('link', { name: /^transaction 0x/ })
      .first()
      .click();
    await j.page.getByRole('heading', { level: 1, name: /Transaction/ }).waitFor();
    await j.page.getByText('DatanetVersionCommitted').first().waitFor();
    await j.checkA11y('transaction page');
  });

  it('creates a curated datanet with a bond, takes contributions by drag and drop, curates, commits, proves and takes down', async () => {
    const owner = privateKeyToAccount(ANVIL_PRIVATE_KEYS[1]).address;
    await j.open('/datanets/new', 'Create a datanet');
    await j.connectDev(1);
    await j.page.getByLabel('Name').fill('Estuaries (web journey)');
    await j.page.getByLabel('Description').fill('Where rivers meet the sea.');
    await j.page.getByLabel('Who may contribute').selectOption('curated');
    await j.page.getByLabel('Contribution bond (TRIB, 0 for none)').fill('2');
    await j.checkA11y('create datanet');
    await j.page.getByRole('button', { name: 'Sign and create' }).click();
    await j.page
      .getByRole('heading', { level: 1, name: 'Estuaries (web journey)' })
      .waitFor({ timeout: 60_000 });
    const datanetId = new URL(j.page.url()).pathname.split('/').at(-1)!;
    expect((await devClient(0).getDatanet(datanetId)).owner).toBe(owner);

    // A contributor drops two files: each posts the bond, is signed and uploaded.
    await j.page.getByRole('button', { name: 'Disconnect' }).click();
    await j.connectDev(2);
    const files = [
      {
        name: 'tidal-mixing.md',
        text: 'Estuaries mix salt water from the sea with fresh water from rivers on every tide.',
      },
      { name: 'spam.md', text: 'Buy cheap watches now, limited offer, click here.' },
    ];
    await j.page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: await dropFiles(j, files) });
    await j.page.getByText('Uploaded 2 of 2 files').waitFor({ timeout: 90_000 });
    await expect(j.page.locator('.uploads li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/tidal-mixing\.md .*uploaded — contribution \d+, pending/),
      expect.stringMatching(/spam\.md .*uploaded — contribution \d+, pending/),
    ]);

    // The owner accepts one (bond returned) and rejects the other keeping its bond.
    await j.page.getByRole('button', { name: 'Disconnect' }).click();
    await j.connectDev(1);
    const queue = j.page.getByRole('region', { name: 'Curation queue' });
    await j.checkA11y('datanet page with curation queue');
    await queue.getByRole('button', { name: 'Accept tidal-mixing.md' }).click();
    await queue
      .getByText('tidal-mixing.md accepted. Bond of 2 TRIB returned to the contributor')
      .waitFor({ timeout: 60_000 });
    await queue.getByRole('button', { name: 'Reject spam.md and forfeit the bond' }).click();
    await queue
      .getByText(
        /^spam\.md rejected\. Bond of 2 TRIB held for forfeit to the protocol treasury; the contributor may appeal/,
      )
      .waitFor({ timeout: 60_000 });
    await queue.getByText('Nothing waits for review.').waitFor();

    // Commit, then download the accepted contribution's proof and check it against the version.
    const versions = j.page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('button', { name: 'Commit a new version' }).click();
    await versions.getByText(/Version 1 committed: 1 contributions/).waitFor({ timeout: 60_000 });
    const accepted = (await devClient(0).listContributions(datanetId, 'accepted'))[0]!;
    const download = j.page.waitForEvent('download');
    await j.page.getByRole('button', { name: `Download Merkle proof of #${accepted.id}` }).click();
    const proofFile = join(OUTPUT, 'datanets-proof.json');
    await (await download).saveAs(proofFile);
    const proof = JSON.parse(readFileSync(proofFile, 'utf8'));
    const version = await devClient(0).getVersion(datanetId, 1);
    expect(proof).toMatchObject({
      manifestRoot: version.manifestRoot,
      leaf: { contributionId: accepted.id },
    });

    // The owner takes it down: a new version leaves it out.
    await j.page.getByLabel('Takedown reason').selectOption('Copyright');
    await j.page.getByRole('button', { name: `Request takedown of #${accepted.id}` }).click();
    await j.page
      .getByText(`Contribution ${accepted.id} is removed; version 2 leaves it out`)
      .waitFor({ timeout: 60_000 });
    expect((await devClient(0).getContribution(accepted.id)).status).toBe('removed');
    await j.screenshot();
  });
});

describe('wallet problems in words', () => {
  it('says so when the user declines in the wallet, and when the wallet is on another chain', async () => {
    const account = privateKeyToAccount(ANVIL_PRIVATE_KEYS[3]).address;
    const j = await startJourney('wallet-problems', { wallet: { account, chainId: 1 } });
    try {
      await j.open('/datanets/new', 'Create a datanet');
      await j.page.getByRole('button', { name: 'Connect wallet' }).click();
      await j.page.getByRole('button', { name: 'Browser wallet' }).click();
      const banner = j.page.locator('.banner').filter({ hasText: 'Your wallet is on chain 1' });
      await banner.waitFor();
      await j.page.getByLabel('Name').fill('Declined');
      await j.page.getByRole('button', { name: 'Sign and create' }).click();
      await j.page.getByText('Switch network first.').waitFor();
      await j.checkA11y('wrong chain banner');
      await banner.getByRole('button', { name: 'Switch to chain 31337' }).click();
      await banner.waitFor({ state: 'detached' });

      await j.page.evaluate(() =>
        Object.assign((window as unknown as { testWallet: object }).testWallet, { decline: true }),
      );
      await j.page.getByRole('button', { name: 'Sign and create' }).click();
      await j.page.getByText('You declined the request in your wallet.').waitFor();
      await j.page.getByText('Nothing was signed or sent.').waitFor();
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
