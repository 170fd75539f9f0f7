/**
 * Earnings of a contributor, a developer or this node: by epoch as a chart, by datanet (for a
 * contributor), and for the connected wallet what it can claim now, what waits out the challenge
 * window and what it claimed, with a claim that takes one approval.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Address, isAddress } from 'viem';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { ActionStatus } from '../ui/ActionStatus';
import { BarChart } from '../ui/BarChart';
import { Trib } from '../ui/bits';
import { formatTrib, tribNumber } from '../ui/format';
import { QueryView } from '../ui/QueryView';
import { useAction } from '../wallet/useAction';
import { useWallet } from '../wallet/useWallet';

type Role = 'contributor' | 'developer' | 'node';
type Row = { key: string; amount: string; calls?: string };
type Earnings = { byEpoch: Row[]; byDatanet?: Row[] };

const PATHS: Record<Role, (a: string) => string> = {
  contributor: (a) => `/v1/earnings/contributors/${a}`,
  developer: (a) => `/v1/earnings/developers/${a}`,
  node: () => '/v1/earnings/node',
};

export function EarningsPage() {
  const wallet = useWallet();
  const [role, setRole] = useState<Role>('contributor');
  const [typed, setTyped] = useState('');
  const account = (isAddress(typed) ? typed : wallet.address) as Address | undefined;
  const earnings = useQuery({
    queryKey: ['earnings', role, role === 'node' ? 'node' : account],
    enabled: role === 'node' || Boolean(account),
    queryFn: () => reader.request<Earnings>('GET', PATHS[role](account ?? '')),
  });
  const submit = (e: FormEvent) => e.preventDefault();
  return (
    <section>
      <h1>Earnings</h1>
      <p className="lead">
        What contributors, developers and this node earned from calls, by epoch and datanet. Amounts become
        claimable once their epoch is settled on-chain and its challenge window has passed.
      </p>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Earnings of
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="contributor">a contributor</option>
            <option value="developer">a developer</option>
            <option value="node">this node (compute)</option>
          </select>
        </label>
        {role !== 'node' && (
          <label>
            Account (empty: your wallet)
            <input value={typed} onChange={(e) => setTyped(e.target.value.trim())} placeholder="0x…" />
          </label>
        )}
      </form>
      {role !== 'node' && !account ? (
        <p className="note empty">Connect a wallet, or type an account, to see its earnings.</p>
      ) : (
        <QueryView
          query={earnings}
          what="the earnings"
          isEmpty={(d) => d.byEpoch.length === 0}
          empty="No earnings yet."
        >
          {(data) => <EarningsView data={data} />}
        </QueryView>
      )}
      {wallet.address && <Claim address={wallet.address} />}
    </section>
  );
}

function EarningsView({ data }: { data: Earnings }) {
  return (
    <>
      <BarChart
        title="Earned by epoch"
        labels={data.byEpoch.map((r) => `epoch ${r.key}`)}
        series={[
          { name: 'earned (TRIB)', color: '#0b5cad', values: data.byEpoch.map((r) => tribNumber(r.amount)) },
        ]}
        format={(v) => `${v.toPrecision(3)} TRIB`}
      />
      {data.byDatanet && data.byDatanet.length > 0 && (
        <table>
          <caption>By datanet</caption>
          <thead>
            <tr>
              <th scope="col">Datanet</th>
              <th scope="col">Calls</th>
              <th scope="col">Earned</th>
            </tr>
          </thead>
          <tbody>
            {data.byDatanet.map((r) => (
              <tr key={r.key}>
                <td>
                  <Link to={`/datanets/${r.key}`}>#{r.key}</Link>
                </td>
                <td>{r.calls}</td>
                <td>
                  <Trib value={r.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Claim({ address }: { address: Address }) {
  const rewards = useQuery({ queryKey: ['rewards', address], queryFn: () => reader.rewards(address) });
  const claim = useAction((client) => client.claimRewards(), { invalidates: [['rewards', address]] });
  return (
    <section className="panel" aria-label="Your rewards">
      <h2>Your rewards</h2>
      <QueryView query={rewards} what="your rewards">
        {(r) => (
          <>
            <dl className="facts">
              <dt>Claimable now</dt>
              <dd>
                <Trib value={r.claimable?.amount ?? '0'} />
              </dd>
              <dt>Waiting (challenge window)</dt>
              <dd>
                {r.pending ? (
                  <>
                    up to <Trib value={r.pending.cumulativeAmount} /> in total by epoch {r.pending.epoch}
                  </>
                ) : (
                  'nothing'
                )}
              </dd>
              <dt>Claimed</dt>
              <dd>
                <Trib value={r.claimed} />
              </dd>
            </dl>
            <button
              type="button"
              className="primary"
              disabled={!r.claimable || BigInt(r.claimable.amount) === 0n || claim.isPending}
              onClick={() => claim.mutate(undefined as never)}
            >
              Claim {formatTrib(r.claimable?.amount ?? '0')}
            </button>
          </>
        )}
      </QueryView>
      <ActionStatus action={claim} done={(paid) => `Claimed ${formatTrib(paid)}.`} />
    </section>
  );
}
