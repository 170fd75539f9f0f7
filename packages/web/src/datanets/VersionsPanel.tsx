/** Versions and on-chain history: who changed what, when, with the transaction; commit a new version. */
import type { HistoryEntry, VersionView } from '@tributary/protocol';
import { ActionStatus } from '../ui/ActionStatus';
import { Address, TxLink } from '../ui/bits';
import { formatTime, shortHex } from '../ui/format';
import { useAction } from '../wallet/useAction';
import { datanetKeys } from './queries';

const HISTORY_WORDS: Record<HistoryEntry['kind'], string> = {
  created: 'Datanet created',
  version: 'Version committed',
  removed: 'Contribution taken down',
  owner: 'Ownership transferred',
  policy: 'Policy changed',
  metadata: 'Description changed',
  curator: 'Curator changed',
};

function historyDetail(entry: HistoryEntry): string {
  const d = entry.details;
  if (entry.kind === 'version')
    return `version ${String(d.version)} (${String(d.count ?? d.contributionCount ?? '')} contributions)`;
  if (entry.kind === 'removed') return `contribution ${String(d.contributionId)}, reason ${String(d.reason)}`;
  if (entry.kind === 'curator') return `${String(d.curator)} ${d.enabled ? 'may' : 'may no longer'} curate`;
  if (entry.kind === 'owner') return `to ${String(d.newOwner ?? d.owner ?? '')}`;
  return '';
}

export function VersionsPanel({
  datanetId,
  versions,
  history,
  curator,
}: {
  datanetId: string;
  versions: VersionView[];
  history: HistoryEntry[];
  curator: boolean;
}) {
  const commit = useAction((client) => client.commitVersion(datanetId), {
    login: true,
    invalidates: [datanetKeys.one(datanetId), datanetKeys.all],
  });
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      {curator && (
        <div>
          <button
            type="button"
            className="primary"
            disabled={commit.isPending}
            onClick={() => commit.mutate(undefined as never)}
          >
            Commit a new version
          </button>
          <ActionStatus
            action={commit}
            pending="Building the manifest and committing it on-chain…"
            done={(v) => (
              <p>
                Version {v.version} committed: {v.contributionCount} contributions, root{' '}
                <code>{shortHex(v.manifestRoot)}</code>.
              </p>
            )}
          />
        </div>
      )}
      {versions.length === 0 ? (
        <p className="note empty">No version yet: the owner commits the first one.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Contributions</th>
              <th scope="col">Changes</th>
              <th scope="col">Manifest root</th>
              <th scope="col">By, when</th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr key={v.version}>
                <th scope="row">v{v.version}</th>
                <td>
                  {v.contributionCount} ({v.tokenCount.toLocaleString('en-US')} tokens)
                </td>
                <td>
                  +{v.added.length} / −{v.removed.length}
                </td>
                <td>
                  <code className="hex" title={v.manifestRoot}>
                    {shortHex(v.manifestRoot)}
                  </code>
                </td>
                <td>
                  {v.author ? <Address value={v.author} /> : '—'} {formatTime(v.committedAt)}{' '}
                  {v.status !== 'committed' && <span className="tag">{v.status}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>History on-chain</h3>
      {history.length === 0 ? (
        <p className="note empty">No events indexed yet.</p>
      ) : (
        <ol className="history">
          {[...history].reverse().map((h) => (
            <li key={`${h.txHash}-${h.kind}-${JSON.stringify(h.details)}`}>
              <strong>{HISTORY_WORDS[h.kind]}</strong> {historyDetail(h)} — {formatTime(h.time)}, block{' '}
              {h.blockNumber}, transaction <TxLink hash={h.txHash} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
