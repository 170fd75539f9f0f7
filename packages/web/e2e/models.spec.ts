/** Journey 2, models: the catalog with each model's lineage (datanet versions, artifact, developer, node). */
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
});
