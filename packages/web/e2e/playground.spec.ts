/**
 * Journey 3, the playground: a payer funds calls, asks the demo model, watches the answer stream
 * and hovers an attributed span to see the contributions behind it and what they were paid (the
 * same amounts the signed receipt holds). Journey 4, receipts: the receipt verifies in the
 * browser, and a receipt whose fee was altered on the way does not.
 */
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTrib, ppmPercent } from '../src/ui/format';
import { devClient, type Journey, startJourney } from './harness';

let receiptId: Hex | undefined;

describe('playground journey', () => {
  let j: Journey;
  beforeAll(async () => {
    j = await startJourney('playground');
  });
  afterAll(async () => {
    await j?.close();
  });

  it('streams an answer with highlighted attributed spans; hovering one shows contributions, weights and amounts; links the receipt', async () => {
    await j.open('/playground', 'Playground');
    await j.connectDev(6);
    await j.page.getByText('Paying for calls').click();
    await j.page.getByLabel('Deposit (TRIB)').fill('50');
    await j.page.getByRole('button', { name: 'Deposit and authorize this node' }).click();
    await j.page.getByText('Deposited 50 TRIB; this node may charge up to it.').waitFor({ timeout: 60_000 });

    await j.page.getByLabel('Your question').fill('Where does a river get its water?');
    await j.page.getByRole('button', { name: 'Ask' }).click();
    const spans = j.page.getByTestId('answer').locator('button.span');
    await spans.first().waitFor({ timeout: 60_000 });

    const receiptLink = j.page.getByRole('link', { name: /^Receipt 0x/ });
    receiptId = (await receiptLink.getAttribute('href'))!.split('/').at(-1) as Hex;
    const { receipt } = await devClient(0).getReceipt(receiptId);
    expect(receipt.attribution.contributions.length).toBeGreaterThan(0);

    const panel = j.page.getByRole('region', { name: 'Where this part came from' });
    await expect(panel.textContent()).resolves.toContain('Hover, focus or press');
    await spans.first().hover();
    const rows = panel.locator('tbody tr');
    await rows.first().waitFor();
    // Every row shown is a contribution the receipt pays, with its weight and amount.
    for (const row of await rows.all()) {
      const [id, , , weight, paid] = await row.locator('td').allTextContents();
      const paidIn = receipt.attribution.contributions.find((c) => `#${c.contributionId}` === id);
      expect(paidIn, `contribution ${id} is in the receipt`).toBeDefined();
      expect(weight).toBe(ppmPercent(paidIn!.ppm));
      expect(paid).toBe(formatTrib(paidIn!.amount));
      expect(BigInt(paidIn!.amount)).toBeGreaterThan(0n);
    }
    // By keyboard: a span is a button; Enter keeps its details shown.
    await j.page.mouse.move(0, 0);
    await spans.first().focus();
    await j.page.keyboard.press('Enter');
    await expect(spans.first().getAttribute('aria-pressed')).resolves.toBe('true');
    await rows.first().waitFor();
    await j.checkA11y('playground with an answer');
    await j.screenshot();
  });
});

describe('receipts journey', () => {
  it('verifies the receipt in the browser, and flags one whose fee was altered', async () => {
    expect(receiptId, 'the playground journey made a call').toBeDefined();
    const j = await startJourney('receipts');
    try {
      await j.open(`/receipts/${receiptId}`, 'Receipt');
      await j.page.getByText('Verified in your browser: signature, fee, split and amounts hold.').waitFor();
      await j.page.getByText(/tributary verify-receipt --node .* --receipt 0x/).waitFor();
      await j.checkA11y('receipt');
      await j.screenshot();

      // The same receipt with a doubled fee, as a dishonest or broken node might send it.
      await j.page.route(`**/v1/receipts/${receiptId}`, async (route) => {
        const body = await (await route.fetch()).json();
        body.receipt.fee = (BigInt(body.receipt.fee) * 2n).toString();
        await route.fulfill({ json: body });
      });
      await j.page.reload();
      await j.page.getByText('This receipt does not verify.').waitFor();
      await j.page.getByText(/signature is by 0x/).waitFor();
      await j.page.getByText(/^fee \d+ is not priceIn/).waitFor();
    } finally {
      await j.close();
    }
  });
});
