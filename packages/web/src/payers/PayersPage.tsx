/**
 * Payers: the escrow balance and this node's authorization (fund both with one signature and one
 * transaction), API keys for scripts (made with a signature, shown once, revocable), and the
 * payer's own calls with their receipts.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Address, parseEther } from 'viem';
import { apiBase } from '../app/node';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { ActionStatus } from '../ui/ActionStatus';
import { Trib } from '../ui/bits';
import { formatTime } from '../ui/format';
import { QueryView } from '../ui/QueryView';
import { useAction } from '../wallet/useAction';
import { useWallet } from '../wallet/useWallet';

type Funds = { balance: string; authorized: string; expiry: string; available: string; reserved: string };

export function PayersPage() {
  const wallet = useWallet();
  return (
    <section>
      <h1>Payers</h1>
      <p className="lead">Fund calls, make API keys for your scripts, and see your own calls.</p>
      {wallet.address ? (
        <>
          <FundsPanel address={wallet.address} />
          <KeysPanel />
          <ActivityPanel />
        </>
      ) : (
        <p className="note empty">Connect a wallet (top right) to see and manage what it pays.</p>
      )}
    </section>
  );
}

function FundsPanel({ address }: { address: Address }) {
  const key = ['funds', address];
  const funds = useQuery({
    queryKey: key,
    queryFn: () => reader.request<Funds>('GET', `/v1/payers/${address}/funds`),
    refetchInterval: 3_000, // the node reads the escrow from its chain index, a little behind a deposit
  });
  const [amount, setAmount] = useState('10');
  const fund = useAction((client, value: bigint) => client.fundCalls({ amount: value, cap: value }), {
    invalidates: [key],
  });
  return (
    <section className="panel" aria-label="Escrow">
      <h2>Escrow</h2>
      <QueryView query={funds} what="your escrow">
        {(f) => (
          <dl className="facts">
            <dt>Deposited</dt>
            <dd>
              <Trib value={f.balance} />
            </dd>
            <dt>This node may charge</dt>
            <dd>
              up to <Trib value={f.authorized} />
              {f.expiry !== '0' && <> until {formatTime(Number(f.expiry))}</>}
            </dd>
            <dt>Available for calls</dt>
            <dd>
              <Trib value={f.available} />
            </dd>
          </dl>
        )}
      </QueryView>
      <div className="inline-form">
        <label>
          Add to the escrow (TRIB)
          <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <button
          type="button"
          disabled={fund.isPending}
          onClick={() => fund.mutate(parseEther(amount || '0'))}
        >
          Deposit and authorize
        </button>
      </div>
      <ActionStatus action={fund} done={() => `Deposited ${amount} TRIB and authorized this node for it.`} />
    </section>
  );
}

function KeysPanel() {
  const wallet = useWallet();
  const [label, setLabel] = useState('my script');
  const [keys, setKeys] = useState<{ label: string; key: string; revoked: boolean }[]>([]);
  const create = useMutation({
    mutationFn: async () => {
      // A fresh client: the key made here is the script's, not the app's own.
      const client = await wallet.signer();
      const key = await client.login({ label });
      setKeys((all) => [...all, { label, key, revoked: false }]);
      return key;
    },
  });
  const revoke = useMutation({
    mutationFn: async (key: string) => {
      const response = await fetch(`${apiBase}/v1/auth/keys/current`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key}` },
      });
      if (!response.ok && response.status !== 401) throw new Error(`the node answered ${response.status}`);
      setKeys((all) => all.map((k) => (k.key === key ? { ...k, revoked: true } : k)));
    },
  });
  return (
    <section className="panel" aria-label="API keys">
      <h2>API keys</h2>
      <p>
        A key lets a script call this node for your wallet (OpenAI-compatible: <code>{apiBase}/v1</code>). It
        is shown once; the node keeps only its hash.
      </p>
      <div className="inline-form">
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="button" disabled={create.isPending} onClick={() => create.mutate()}>
          Sign and create a key
        </button>
      </div>
      <ActionStatus action={create} />
      {keys.length > 0 && (
        <table>
          <caption className="sr-only">Keys made in this tab</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Key (copy it now)</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.key}>
                <td>{k.label}</td>
                <td>
                  <code data-testid="api-key">{k.key}</code>
                </td>
                <td>
                  {k.revoked ? (
                    'revoked'
                  ) : (
                    <button type="button" className="danger" onClick={() => revoke.mutate(k.key)}>
                      Revoke {k.label}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionStatus action={revoke} pending="Revoking…" />
    </section>
  );
}

function ActivityPanel() {
  const wallet = useWallet();
  const activity = useAction((client) => client.activity({ as: 'payer' }), { login: true });
  return (
    <section className="panel" aria-label="Your calls">
      <h2>Your calls</h2>
      <button type="button" onClick={() => activity.mutate(undefined as never)} disabled={activity.isPending}>
        {activity.data ? 'Refresh my calls' : 'Show my calls (sign in)'}
      </button>
      <ActionStatus action={activity} pending="Signing in and loading your calls…" />
      {activity.data &&
        (activity.data.length === 0 ? (
          <p className="note empty">No calls from {wallet.address} yet.</p>
        ) : (
          <table>
            <caption className="sr-only">Your calls, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Model</th>
                <th scope="col">Tokens in / out</th>
                <th scope="col">Fee</th>
                <th scope="col">Receipt</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.map((a) => (
                <tr key={a.receiptId}>
                  <td>{formatTime(a.time)}</td>
                  <td>#{a.modelId}</td>
                  <td>
                    {a.inputTokens} / {a.outputTokens}
                  </td>
                  <td>
                    <Trib value={a.fee} />
                  </td>
                  <td>
                    <Link to={`/receipts/${a.receiptId}`}>{`receipt ${a.receiptId.slice(0, 10)}…`}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
