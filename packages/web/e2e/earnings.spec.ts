/**
 * Journey 5, earnings: after a paid call is settled and its challenge window has passed, the
 * contributor it paid sees its earnings by epoch (chart) and datanet, what is claimable, and
 * claims it with one approval; the chain pays exactly that amount.
 */
import { ANVIL_PRIVATE_KEYS, tributaryTokenAbi } from '@tributary/protocol';
import { createPublicClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { formatTrib } from '../src/ui/format';
import { advanceChainTime, devClient, paidCall, startJourney, until } from './harness';

describe('earnings journey', () => {
  it('shows a contributor its earnings by epoch and datanet and claims what is claimable', async () => {
    const receiptId = await paidCall(7, 'What is a watershed?');
    const { receipt } = await devClient(0).getReceipt(receiptId);
    const paid = receipt.attribution.contributions[0]!;
    const index = ANVIL_PRIVATE_KEYS.findIndex(
      (k) => privateKeyToAccount(k as Hex).address.toLowerCase() === paid.contributor.toLowerCase(),
    );
    expect(index).toBeGreaterThan(0);

    const operator = devClient(9);
    await operator.login({ label: 'web e2e' });
    await operator.runSettlement({ close: true });
    await advanceChainTime(700);
    const rewards = await until(
      () => devClient(0).rewards(paid.contributor),
      (r) => r.claimable !== null && BigInt(r.claimable.amount) > 0n,
    );
    const claimable = BigInt(rewards.claimable!.amount);

    const j = await startJourney('earnings');
    try {
      await j.open('/earnings', 'Earnings');
      await j.connectDev(index);
      await j.page.getByRole('img', { name: /Earned by epoch/ }).waitFor();
      const byDatanet = j.page.getByRole('table', { name: 'By datanet' });
      await byDatanet.getByRole('link', { name: `#${paid.datanetId}` }).waitFor();
      const panel = j.page.getByRole('region', { name: 'Your rewards' });
      await panel.getByText(formatTrib(claimable)).first().waitFor();
      await j.checkA11y('earnings');

      const chain = createPublicClient({ transport: http(j.rpcUrl) });
      const info = await devClient(0).info();
      const balance = () =>
        chain.readContract({
          address: info.addresses.token,
          abi: tributaryTokenAbi,
          functionName: 'balanceOf',
          args: [paid.contributor],
        });
      const before = await balance();
      await panel.getByRole('button', { name: `Claim ${formatTrib(claimable)}` }).click();
      await panel.getByText(`Claimed ${formatTrib(claimable)}.`).waitFor({ timeout: 60_000 });
      expect((await balance()) - before).toBe(claimable);
      await panel.getByRole('button', { name: 'Claim 0 TRIB' }).waitFor();
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
