/**
 * Journey 8, payers: fund the escrow and authorize the node, make an API key and call the node
 * with it from a script, see that call in the payer's own activity, then revoke the key (the node
 * refuses it after).
 */
import { describe, expect, it } from 'vitest';
import { startJourney } from './harness';

describe('payers journey', () => {
  it('funds the escrow, creates an API key that works, lists its call, and revokes it', async () => {
    const j = await startJourney('payers');
    try {
      await j.open('/payers', 'Payers');
      await j.page.getByText('Connect a wallet (top right)').waitFor();
      await j.connectDev(8);
      const escrow = j.page.getByRole('region', { name: 'Escrow' });
      await escrow.getByText('Available for calls').waitFor();
      await j.page.getByLabel('Add to the escrow (TRIB)').fill('5');
      await escrow.getByRole('button', { name: 'Deposit and authorize' }).click();
      await escrow
        .getByText('Deposited 5 TRIB and authorized this node for it.')
        .waitFor({ timeout: 60_000 });
      await escrow.getByText(/^up to 5 TRIB until/).waitFor();

      const keys = j.page.getByRole('region', { name: 'API keys' });
      await j.page.getByLabel('Label').fill('nightly job');
      await keys.getByRole('button', { name: 'Sign and create a key' }).click();
      const key = (await keys.getByTestId('api-key').textContent())!;
      expect(key).toMatch(/^trib_/);

      // The script's call, with the key from the page.
      const call = (apiKey: string) =>
        fetch(`${j.nodeUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'rivers-ngram',
            messages: [{ role: 'user', content: 'Rivers?' }],
            max_tokens: 8,
          }),
        });
      const answered = await call(key);
      expect(answered.status).toBe(200);
      const { receipt_id } = (await answered.json()) as { receipt_id: string };

      const calls = j.page.getByRole('region', { name: 'Your calls' });
      await calls.getByRole('button', { name: 'Show my calls (sign in)' }).click();
      await calls
        .getByRole('link', { name: `receipt ${receipt_id.slice(0, 10)}…` })
        .waitFor({ timeout: 60_000 });
      await j.checkA11y('payers');

      await keys.getByRole('button', { name: 'Revoke nightly job' }).click();
      await keys.getByRole('cell', { name: 'revoked' }).waitFor();
      expect((await call(key)).status).toBe(401);
      await j.screenshot();
    } finally {
      await j.close();
    }
  });
});
