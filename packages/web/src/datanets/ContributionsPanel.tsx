/**
 * Contributors and contributions: who gave what; a contribution's Merkle proof for a committed
 * version (download); a takedown request (by the contributor, the owner or a curator).
 */

import type { ContributionView, DatanetView, VersionView } from '@tributary/protocol';
import { RemovalReason } from '@tributary/protocol';
import { useState } from 'react';
import { reader } from '../app/reader';
import { ActionStatus } from '../ui/ActionStatus';
import { Address, ErrorNote, Trib, TxLink } from '../ui/bits';
import { type Described, describeError } from '../wallet/describeError';
import { useAction } from '../wallet/useAction';
import { useWallet } from '../wallet/useWallet';
import { useBondOutcomes } from './bonds';
import { canCurate, datanetKeys } from './queries';

/** The latest committed version holding the contribution, if any. */
const versionHolding = (versions: VersionView[], id: string) => {
  let holding: number | null = null;
  for (const v of versions) {
    if (v.status !== 'committed') continue;
    if (v.added.includes(id)) holding = v.version;
    if (v.removed.includes(id)) holding = null;
  }
  return holding;
};

function download(filename: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function ContributionsPanel({
  datanet,
  contributions,
  versions,
}: {
  datanet: DatanetView;
  contributions: ContributionView[];
  versions: VersionView[];
}) {
  const { address } = useWallet();
  const bonded = BigInt(datanet.policy.contributionBond) > 0n;
  const bonds = useBondOutcomes(datanet.id, bonded);
  const [proofError, setProofError] = useState<Described | null>(null);
  const [reason, setReason] = useState<keyof typeof RemovalReason>('ContributorRequest');
  const takedown = useAction(
    (client, c: ContributionView) => client.takedown({ contributionId: c.id, reason: RemovalReason[reason] }),
    { login: true, invalidates: [datanetKeys.one(datanet.id), datanetKeys.all] },
  );
  const byContributor = new Map<string, { count: number; tokens: number }>();
  for (const c of contributions.filter((c) => c.status === 'accepted')) {
    const seen = byContributor.get(c.contributor) ?? { count: 0, tokens: 0 };
    byContributor.set(c.contributor, { count: seen.count + 1, tokens: seen.tokens + c.tokens });
  }
  const mayRemove = (c: ContributionView) =>
    c.status !== 'removed' &&
    c.status !== 'rejected' &&
    (canCurate(datanet, address) || c.contributor.toLowerCase() === address?.toLowerCase());

  const proof = async (c: ContributionView, version: number) => {
    setProofError(null);
    try {
      download(
        `datanet-${datanet.id}-v${version}-contribution-${c.id}-proof.json`,
        await reader.getProof(datanet.id, version, c.id),
      );
    } catch (error) {
      setProofError(describeError(error));
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="contributors-title">
        <h2 id="contributors-title">Contributors</h2>
        {byContributor.size === 0 ? (
          <p className="note empty">No accepted contributions yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Contributor</th>
                <th scope="col">Contributions</th>
                <th scope="col">Tokens</th>
              </tr>
            </thead>
            <tbody>
              {[...byContributor].map(([who, s]) => (
                <tr key={who}>
                  <td>
                    <Address value={who} />
                  </td>
                  <td>{s.count}</td>
                  <td>{s.tokens.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="contributions-title">
        <h2 id="contributions-title">Contributions</h2>
        {contributions.length === 0 ? (
          <p className="note empty">No contributions yet: drop a file above to be the first.</p>
        ) : (
          <>
            <label>
              Takedown reason
              <select
                value={reason}
                onChange={(e) => setReason(e.target.value as keyof typeof RemovalReason)}
              >
                {Object.keys(RemovalReason).map((r) => (
                  <option key={r} value={r}>
                    {r.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}
                  </option>
                ))}
              </select>
            </label>
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">File</th>
                  <th scope="col">Contributor</th>
                  <th scope="col">Status</th>
                  {bonded && <th scope="col">Bond</th>}
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {contributions.map((c) => {
                  const version = versionHolding(versions, c.id);
                  const bond = bonds.data?.(c.contributor, c.contentHash);
                  return (
                    <tr key={c.id}>
                      <td>{c.id}</td>
                      <td>
                        {c.filename} <span className="muted">({c.tokens} tokens)</span>
                      </td>
                      <td>
                        <Address value={c.contributor} />
                      </td>
                      <td>
                        <span
                          className={`tag ${c.status === 'accepted' ? 'good' : c.status === 'pending' ? '' : 'bad'}`}
                        >
                          {c.status}
                        </span>
                        {version && <span className="muted"> in v{version}</span>}
                      </td>
                      {bonded && (
                        <td>
                          {bond ? (
                            <>
                              {bond.kind} <Trib value={bond.amount} /> <TxLink hash={bond.txHash} />
                            </>
                          ) : (
                            '—'
                          )}
                        </td>
                      )}
                      <td className="row-actions">
                        {version && (
                          <button type="button" onClick={() => proof(c, version)}>
                            Download Merkle proof of #{c.id}
                          </button>
                        )}
                        {mayRemove(c) && (
                          <button
                            type="button"
                            className="danger"
                            disabled={takedown.isPending}
                            onClick={() => takedown.mutate(c)}
                          >
                            Request takedown of #{c.id}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
        {proofError && <ErrorNote error={proofError} />}
        <ActionStatus
          action={takedown}
          pending="Taking it down: a new version without it is committed on-chain…"
          done={(r) => (
            <p>
              Contribution {r.contribution.id} is {r.contribution.status}
              {r.version ? `; version ${r.version.version} leaves it out` : ''}. Its content is deleted; the
              history stays.
            </p>
          )}
        />
      </section>
    </>
  );
}
