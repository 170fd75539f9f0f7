/** A datanet: policy and licence, contributing, the curation queue, versions with history, contributors. */
import { Address, Trib } from '../ui/bits';
import { bpsPercent } from '../ui/format';
import { QueryView } from '../ui/QueryView';
import { useWallet } from '../wallet/useWallet';
import { ContributePanel } from './ContributePanel';
import { ContributionsPanel } from './ContributionsPanel';
import { CurationQueue } from './CurationQueue';
import { canCurate, nameOf, useDatanet } from './queries';
import { VersionsPanel } from './VersionsPanel';

export function DatanetPage({ id }: { id: string }) {
  const query = useDatanet(id);
  const { address } = useWallet();
  return (
    <QueryView query={query} what={`datanet ${id}`}>
      {({ datanet, contributions, versions, history }) => {
        const curator = canCurate(datanet, address);
        const p = datanet.policy;
        return (
          <section>
            <h1>{nameOf(datanet)}</h1>
            {typeof datanet.metadata?.description === 'string' && (
              <p className="lead">{datanet.metadata.description}</p>
            )}
            <div className="grid2">
              <section className="panel" aria-labelledby="policy-title">
                <h2 id="policy-title">Policy and licence</h2>
                <dl className="facts">
                  <dt>Contributions</dt>
                  <dd>
                    {p.contributionMode === 'curated'
                      ? 'curated: the owner reviews each'
                      : 'open: accepted at once'}
                  </dd>
                  <dt>Access</dt>
                  <dd>
                    {p.licence === 'licensed'
                      ? 'licensed: models pay a licence fee'
                      : 'open: anyone may read and build'}
                  </dd>
                  <dt>Content licence</dt>
                  <dd>{String(datanet.metadata?.licence ?? 'not stated')}</dd>
                  <dt>Minimum data share</dt>
                  <dd>{bpsPercent(p.minDataBps)} of each fee goes to data</dd>
                  <dt>Contribution bond</dt>
                  <dd>{BigInt(p.contributionBond) > 0n ? <Trib value={p.contributionBond} /> : 'none'}</dd>
                  {p.licence === 'licensed' && (
                    <>
                      <dt>Licence fee</dt>
                      <dd>
                        <Trib value={p.licenceFee} />
                      </dd>
                    </>
                  )}
                </dl>
              </section>
              <section className="panel" aria-labelledby="people-title">
                <h2 id="people-title">Owner and curators</h2>
                <dl className="facts">
                  <dt>Owner</dt>
                  <dd>
                    <Address value={datanet.owner} />
                  </dd>
                  <dt>Curators</dt>
                  <dd>
                    {datanet.curators.map((c) => (
                      <Address key={c} value={c} />
                    ))}
                  </dd>
                  <dt>Datanet id</dt>
                  <dd>{datanet.id}</dd>
                </dl>
                {curator && <p className="tag good">You curate this datanet.</p>}
              </section>
            </div>
            <ContributePanel datanet={datanet} />
            {curator && <CurationQueue datanet={datanet} contributions={contributions} />}
            <VersionsPanel datanetId={datanet.id} versions={versions} history={history} curator={curator} />
            <ContributionsPanel datanet={datanet} contributions={contributions} versions={versions} />
          </section>
        );
      }}
    </QueryView>
  );
}
