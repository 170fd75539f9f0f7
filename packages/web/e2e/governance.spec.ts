/**
 * Journey 7, governance: a holder delegates to itself, proposes banning a contributor from a
 * template (the action shown in words before signing), votes for it with a reason, queues it
 * after the vote and executes it after the timelock delay (the test plays the chain's clock);
 * the chain then bans the account.
 */
import { datanetRegistryAbi } from '@tributary/protocol';
import { createPublicClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { advanceChainTime, devClient, startJourney } from './harness';

describe('governance journey', () => {
  it('delegates, proposes from a template, votes with a reason, queues and executes', async () => {
    const banned = privateKeyToAccount(generatePrivateKey()).address; // an account no other journey uses
    const info = await devClient(0).info();
    const j = await startJourney('governance');
    try {
      await j.open('/governance', 'Governance');
      await j.connectDev(0); // the deployer: holds enough tokens to reach quorum alone
      const power = j.page.getByRole('region', { name: 'Your votes' });
      await power.getByRole('button', { name: 'Delegate to myself' }).click();
      await power
        .getByText('Delegated. Votes count from proposals made after this.')
        .waitFor({ timeout: 60_000 });
      await power.getByText('yourself').waitFor();

      const form = j.page.getByRole('form', { name: 'New proposal' });
      await form.getByLabel('Template').selectOption({ label: 'Ban a contributor' });
      await form.getByLabel('Account to ban').fill(banned);
      const description = `Ban ${banned.slice(0, 10)} (web journey)`;
      await form.getByLabel('Description (why; voters read it)').fill(description);
      await form.getByText(`It will: Ban ${banned} from contributing to any datanet`).waitFor();
      await j.checkA11y('governance form');
      await form.getByRole('button', { name: 'Propose' }).click();
      await form.getByText('Proposed.').waitFor({ timeout: 60_000 });

      const card = j.page
        .getByRole('listitem')
        .filter({ has: j.page.getByRole('heading', { name: description }) });
      await card.getByText(`Ban ${banned} from contributing to any datanet`).waitFor();
      await advanceChainTime(2); // past the voting delay
      await card.getByText('Active', { exact: true }).waitFor();
      await card.getByLabel('Reason').fill('spam from this account in three datanets');
      await card.getByRole('button', { name: 'Vote for' }).click();
      await card.getByText('Done: the chain recorded it.').waitFor({ timeout: 60_000 });
      await expect(card.getByText(/^For [1-9][\d,]* TRIB/).count()).resolves.toBe(1);
      await card
        .getByRole('list', { name: 'Votes' })
        .getByText(/voted for with [\d,]+ TRIB: “spam from this account in three datanets”/)
        .waitFor();

      await advanceChainTime(301); // past the voting period
      await card.getByRole('button', { name: 'Queue in the timelock' }).click();
      await card.getByText('Queued', { exact: true }).waitFor({ timeout: 60_000 });
      await advanceChainTime(61); // past the timelock delay
      await card.getByRole('button', { name: 'Execute' }).click();
      await card.getByText('Executed', { exact: true }).waitFor({ timeout: 60_000 });

      const chain = createPublicClient({ transport: http(j.rpcUrl) });
      const isBanned = await chain.readContract({
        address: info.addresses.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'isBanned',
        args: [banned],
      });
      expect(isBanned).toBe(true);
      await j.checkA11y('governance after execution');
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
