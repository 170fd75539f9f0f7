/**
 * The protocol's money: fees paid in against rewards paid out per epoch (from each epoch's
 * published data), the protocol's share, the treasury's balance and the token emission (zero:
 * the supply is fixed, rewards come only from fees).
 */

import { useQuery } from '@tanstack/react-query';
import type { EpochData } from '@tributary/protocol';
import { reader } from '../app/reader';
import { BarChart } from '../ui/BarChart';
import { Trib } from '../ui/bits';
import { tribNumber } from '../ui/format';
import { QueryView } from '../ui/QueryView';

type Totals = {
  calls: string;
  feesPaid: string;
  feesSettled: string;
  paidOut: { protocol: string; compute: string; developer: string; data: string };
  treasuryBalance: string;
  tokenSupply: string;
  emission: string;
};
type EpochRow = { epoch: string; header: unknown };

/** Each published epoch's fees in, rewards out and protocol share. */
async function epochFlows() {
  const { epochs } = await reader.request<{ epochs: EpochRow[] }>('GET', '/v1/epochs');
  const published = epochs.filter((e) => e.header);
  const data = await Promise.all(
    published.map((e) => reader.epochData(BigInt(e.epoch)) as Promise<EpochData>),
  );
  return data.map((d) => ({
    epoch: d.epoch,
    feesIn: BigInt(d.derived.totalFee),
    protocol: BigInt(d.derived.protocolFee),
    rewardsOut: d.derived.credits.reduce((sum, c) => sum + BigInt(c.amount), 0n),
  }));
}

export function ProtocolPage() {
  const totals = useQuery({
    queryKey: ['protocol', 'totals'],
    queryFn: () => reader.request<Totals>('GET', '/v1/protocol/totals'),
  });
  const flows = useQuery({ queryKey: ['protocol', 'epochs'], queryFn: epochFlows });
  return (
    <section>
      <h1>Protocol</h1>
      <p className="lead">
        Every fee is split on-chain: contributors, the model's developer, the compute node and the protocol's
        treasury. No tokens are minted after deployment.
      </p>
      <QueryView query={totals} what="the protocol's totals">
        {(t) => (
          <section className="panel" aria-label="Totals">
            <h2>Totals</h2>
            <dl className="facts">
              <dt>Calls</dt>
              <dd>{t.calls}</dd>
              <dt>Fees paid</dt>
              <dd>
                <Trib value={t.feesPaid} /> (settled on-chain: <Trib value={t.feesSettled} />)
              </dd>
              <dt>To contributors (data)</dt>
              <dd>
                <Trib value={t.paidOut.data} />
              </dd>
              <dt>To developers</dt>
              <dd>
                <Trib value={t.paidOut.developer} />
              </dd>
              <dt>To compute nodes</dt>
              <dd>
                <Trib value={t.paidOut.compute} />
              </dd>
              <dt>To the protocol</dt>
              <dd>
                <Trib value={t.paidOut.protocol} />
              </dd>
              <dt>Treasury balance</dt>
              <dd>
                <Trib value={t.treasuryBalance} />
              </dd>
              <dt>Token supply</dt>
              <dd>
                <Trib value={t.tokenSupply} />
              </dd>
              <dt>Token emission</dt>
              <dd>
                <Trib value={t.emission} />
              </dd>
            </dl>
            <BarChart
              title="Where the fees went"
              labels={['data', 'developer', 'compute', 'protocol']}
              series={[
                {
                  name: 'paid (TRIB)',
                  color: '#0b5cad',
                  values: [t.paidOut.data, t.paidOut.developer, t.paidOut.compute, t.paidOut.protocol].map(
                    tribNumber,
                  ),
                },
              ]}
              format={(v) => `${v.toPrecision(3)} TRIB`}
            />
          </section>
        )}
      </QueryView>
      <section className="panel" aria-label="Per epoch">
        <h2>Per epoch</h2>
        <QueryView
          query={flows}
          what="the epochs"
          isEmpty={(f) => f.length === 0}
          empty="No epoch is settled yet."
        >
          {(f) => (
            <BarChart
              title="Fees in and rewards out by epoch"
              labels={f.map((e) => `epoch ${e.epoch}`)}
              series={[
                { name: 'fees paid in', color: '#0b5cad', values: f.map((e) => tribNumber(e.feesIn)) },
                {
                  name: 'rewards paid out',
                  color: '#16643a',
                  values: f.map((e) => tribNumber(e.rewardsOut)),
                },
                { name: 'to the protocol', color: '#8a5a00', values: f.map((e) => tribNumber(e.protocol)) },
              ]}
              format={(v) => `${v.toPrecision(3)} TRIB`}
            />
          )}
        </QueryView>
      </section>
    </section>
  );
}
