/**
 * Journey 7, governance: a holder (dev account 1: the dev network gives accounts 1–8 15M TRIB
 * each, any three reach quorum) delegates to itself, proposes banning a contributor from a
 * protocol template (the action shown in words before signing), and three holders vote for it
 * with reasons; it is queued after the vote and executed after the timelock delay (the test
 * plays the chain's clock); the chain then bans the account, and after the voter-reward period
 * the proposer claims its voter reward. Runs last (vitest.config's sequencer): it moves the
 * chain's clock a week ahead, past the deadlines other journeys sign with the wall clock.
 */
import { ANVIL_PRIVATE_KEYS, datanetRegistryAbi, tributaryTokenAbi } from '@tributary/protocol';
import { createPublicClient, type Hex, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import type { Journey } from './harness';
import { advanceChainTime, devClient, startJourney } from './harness';

describe('governance journey', () => {
  it('delegates, proposes from a template, votes with reasons, queues, executes and claims voter rewards', async () => {
    const banned = privateKeyToAccount(generatePrivateKey()).address; // an account no other journey uses
    const info = await devClient(0).info();
    const j = await startJourney('governance');
    try {
      await j.open('/governance', 'Governance');
      await j.connectDev(1);
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
      await form.getByLabel('Title (voters read it first)').fill(description);
      await form.getByLabel('Why (optional)').fill('spam in three datanets');
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
      for (const voter of [1, 2, 3]) {
        if (voter !== 1) await switchAccount(j, voter);
        await card.getByLabel('Reason').fill(`spam in three datanets (voter ${voter})`);
        await card.getByRole('button', { name: 'Vote for' }).click();
        await card.getByText('Done: the chain recorded it.').waitFor({ timeout: 60_000 });
        await card
          .getByRole('list', { name: 'Votes' })
          .getByText(
            new RegExp(`voted for with [\\d,.]+ TRIB: “spam in three datanets \\(voter ${voter}\\)”`),
          )
          .waitFor();
      }
      await expect(card.getByText(/^For [1-9][\d,.]* TRIB/).count()).resolves.toBe(1);

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

      // Voter rewards open when the reward period the votes fell in ends.
      await switchAccount(j, 1);
      const rewards = j.page.getByRole('region', { name: 'Voter rewards' });
      const account1 = (await devClient(1).getGovernanceAccount(devAddress(1))).rewards;
      expect(account1.upcoming.length).toBeGreaterThan(0);
      const opensAt = Math.max(...account1.upcoming.map((u) => u.opensAt));
      const now = Number((await chain.getBlock({ blockTag: 'latest' })).timestamp);
      await advanceChainTime(opensAt - now + 1);
      const claim = rewards.getByRole('button', { name: 'Claim voter rewards' });
      await expect.poll(() => claim.isEnabled(), { timeout: 30_000 }).toBe(true);
      const before = await chain.readContract({
        address: info.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [devAddress(1)],
      });
      await claim.click();
      await rewards.getByText(/^Claimed [1-9][\d,.]* TRIB\.$/).waitFor({ timeout: 60_000 });
      const after = await chain.readContract({
        address: info.addresses.token,
        abi: tributaryTokenAbi,
        functionName: 'balanceOf',
        args: [devAddress(1)],
      });
      expect(after).toBeGreaterThan(before);
      // The node's index catches up with the claim: it reports exactly what the chain paid.
      await expect
        .poll(
          async () => BigInt((await devClient(1).getGovernanceAccount(devAddress(1))).rewards.claimedTotal),
          { timeout: 30_000 },
        )
        .toBe(after - before);
      await expect.poll(() => claim.isEnabled(), { timeout: 30_000 }).toBe(false); // nothing left
      await j.checkA11y('governance after execution');
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});

const devAddress = (index: number) => privateKeyToAccount(ANVIL_PRIVATE_KEYS[index] as Hex).address;

/** Signs in the browser as another dev account. */
async function switchAccount(j: Journey, index: number) {
  await j.page.getByRole('button', { name: 'Disconnect' }).click();
  await j.connectDev(index);
}
