/**
 * Journey 6, protocol: fees in against rewards out per epoch (from each epoch's published data),
 * where the fees went, the treasury and the token emission (zero), as the node and chain report them.
 */
import { describe, expect, it } from 'vitest';
import { formatTrib, tribNumber } from '../src/ui/format';
import { devClient, paidCall, startJourney } from './harness';

type Totals = { feesPaid: string; paidOut: { data: string }; treasuryBalance: string; emission: string };

describe('protocol journey', () => {
  it('shows fees in vs rewards out per epoch, the split of fees, the treasury and zero emission', async () => {
    await paidCall(7, 'How do rivers shape valleys?');
    const operator = devClient(9);
    await operator.login({ label: 'web e2e' });
    const { settled } = await operator.runSettlement({ close: true });
    expect(settled.length).toBeGreaterThan(0);
    const epoch = settled.at(-1)!;
    const data = await devClient(0).epochData(BigInt(epoch));
    const totals = (await devClient(0).request('GET', '/v1/protocol/totals')) as Totals;

    const j = await startJourney('protocol');
    try {
      await j.open('/protocol', 'Protocol');
      const sums = j.page.getByRole('region', { name: 'Totals' });
      await sums.getByText(`${formatTrib(totals.feesPaid)} (settled on-chain`).waitFor();
      const fact = (name: string) =>
        sums.locator('dt', { hasText: name }).locator('xpath=following-sibling::dd[1]');
      await expect(fact('Token emission').textContent()).resolves.toBe('0 TRIB');
      await expect(fact('To contributors (data)').textContent()).resolves.toBe(
        formatTrib(totals.paidOut.data),
      );
      await expect(fact('Treasury balance').textContent()).resolves.toBe(formatTrib(totals.treasuryBalance));

      const perEpoch = j.page.getByRole('region', { name: 'Per epoch' });
      await perEpoch.getByRole('img', { name: /Fees in and rewards out by epoch/ }).waitFor();
      await perEpoch.getByText('Fees in and rewards out by epoch: the numbers').click();
      const row = perEpoch
        .getByRole('row')
        .filter({ has: j.page.getByRole('rowheader', { name: `epoch ${epoch}`, exact: true }) });
      const cells = await row.getByRole('cell').allTextContents();
      const tribText = (v: string) => `${tribNumber(v).toPrecision(3)} TRIB`;
      expect(cells).toEqual([
        tribText(data.derived.totalFee),
        tribText(data.derived.credits.reduce((s, c) => s + BigInt(c.amount), 0n).toString()),
        tribText(data.derived.protocolFee),
      ]);
      await j.checkA11y('protocol');
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
