/**
 * Journey 2, models: the catalog with each model's lineage (datanet versions, artifact, developer,
 * node); a developer builds a model from a chosen datanet version and registers it with a price and
 * split, and the node serves it.
 */
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { devClient, startJourney } from './harness';

describe('models journey', () => {
  it('lists the catalog with lineage: datanet versions and manifest roots, artifact hash, developer, node, price and split', async () => {
    const model = (await devClient(0).catalog()).find((m) => m.name === 'rivers-ngram')!;
    const j = await startJourney('models');
    try {
      await j.open('/', 'Tributary');
      await j.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
      await j.page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
      const card = j.page
        .getByRole('listitem')
        .filter({ has: j.page.getByRole('heading', { name: /rivers-ngram/ }) });
      const lineage = card.getByRole('link', { name: `datanet #${model.datanets[0]!.datanetId} version 1` });
      await lineage.waitFor();
      await expect(card.getByTitle(`manifest root ${model.datanets[0]!.manifestRoot}`).count()).resolves.toBe(
        1,
      );
      await card.getByText(model.artifactHash).waitFor();
      const developer = privateKeyToAccount(ANVIL_PRIVATE_KEYS[5] as Hex).address;
      await card.getByTitle(developer).waitFor();
      await card.getByText('data 50%, developer 30%, compute 20%').waitFor();
      await j.checkA11y('models');
      await j.screenshot();
      await lineage.click();
      await j.page.getByRole('heading', { level: 1, name: 'Rivers and their tributaries' }).waitFor();
    } finally {
      await j.close();
    }
  });

  it('builds a model from a chosen datanet version with progress, registers it with price and split, and the node serves it', async () => {
    const name = `estuary-${Date.now().toString(36)}`;
    const j = await startJourney('models-build');
    try {
      await j.open('/models', 'Models');
      await j.page.getByRole('link', { name: 'Build a model' }).click();
      await j.page.getByRole('heading', { level: 1, name: 'Build a model' }).waitFor();
      await j.connectDev(4);
      const buildForm = j.page.getByRole('form', { name: 'Build' });
      await buildForm.getByLabel('Model name').fill(name);
      await buildForm.getByLabel('Datanet').selectOption({ label: '#1 Rivers and their tributaries' });
      await buildForm.getByLabel('Version').selectOption({ label: 'version 1' });
      await j.checkA11y('build form');
      await buildForm.getByRole('button', { name: 'Start the build' }).click();
      await buildForm.getByText(`Built ${name}: artifact 0x`).waitFor({ timeout: 120_000 });

      const registerForm = j.page.getByRole('form', { name: 'Register' });
      await registerForm.getByLabel('Contributors (data)').fill('6000');
      await registerForm.getByLabel('Developer (you)').fill('2500');
      await registerForm.getByLabel('Compute node').fill('1500');
      await registerForm.getByRole('button', { name: 'Register' }).click();
      await registerForm
        .getByText(new RegExp(`^Registered model #\\d+ \\(${name}\\); this node serves it`))
        .waitFor({
          timeout: 120_000,
        });
      const served = (await devClient(0).catalog()).find((m) => m.name === name)!;
      expect(served).toMatchObject({
        status: 'active',
        developer: privateKeyToAccount(ANVIL_PRIVATE_KEYS[4] as Hex).address,
        split: { dataBps: 6000, developerBps: 2500, computeBps: 1500 },
        datanets: [{ datanetId: '1', version: 1 }],
      });
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
