/** The owner's (or a curator's) queue: accept or reject pending contributions; the bond outcome from the chain. */
import type { ContributionView, DatanetView } from '@tributary/protocol';
import { ActionStatus } from '../ui/ActionStatus';
import { Address, Trib, TxLink } from '../ui/bits';
import { formatTime } from '../ui/format';
import { useAction } from '../wallet/useAction';
import { useBondOutcomes } from './bonds';
import { datanetKeys } from './queries';

type Decision = { contribution: ContributionView; decision: 'accept' | 'reject'; forfeitBond?: boolean };

export function CurationQueue({
  datanet,
  contributions,
}: {
  datanet: DatanetView;
  contributions: ContributionView[];
}) {
  const bonded = BigInt(datanet.policy.contributionBond) > 0n;
  const bonds = useBondOutcomes(datanet.id, bonded);
  const review = useAction(
    async (client, d: Decision) => ({
      ...d,
      result: await client.review({
        contributionId: d.contribution.id,
        decision: d.decision,
        forfeitBond: d.forfeitBond,
      }),
    }),
    { login: true, invalidates: [datanetKeys.one(datanet.id)] },
  );
  const pending = contributions.filter((c) => c.status === 'pending');
  const decided = review.data;
  const outcome = decided && bonds.data?.(decided.contribution.contributor, decided.contribution.contentHash);
  return (
    <section className="panel" aria-labelledby="queue-title">
      <h2 id="queue-title">Curation queue</h2>
      {pending.length === 0 ? (
        <p className="note empty">Nothing waits for review.</p>
      ) : (
        <table>
          <caption className="sr-only">Contributions waiting for review</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Contributor</th>
              <th scope="col">Size</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {pending.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.filename} <span className="muted">#{c.id}</span>
                </td>
                <td>
                  <Address value={c.contributor} />
                </td>
                <td>{c.tokens} tokens</td>
                <td className="row-actions">
                  <button
                    type="button"
                    disabled={review.isPending}
                    onClick={() => review.mutate({ contribution: c, decision: 'accept' })}
                  >
                    Accept {c.filename}
                  </button>
                  <button
                    type="button"
                    disabled={review.isPending}
                    onClick={() => review.mutate({ contribution: c, decision: 'reject' })}
                  >
                    Reject {c.filename}
                  </button>
                  {bonded && (
                    <button
                      type="button"
                      className="danger"
                      disabled={review.isPending}
                      onClick={() =>
                        review.mutate({ contribution: c, decision: 'reject', forfeitBond: true })
                      }
                    >
                      Reject {c.filename} and forfeit the bond
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionStatus
        action={review}
        pending="Recording the decision (the node settles the bond on-chain)…"
        done={(d) => (
          <p>
            {d.contribution.filename} {d.result.status}.{' '}
            {bonded &&
              (outcome && outcome.kind !== 'posted' ? (
                <>
                  Bond of <Trib value={outcome.amount} /> {OUTCOME_WORDS[outcome.kind]}
                  {outcome.appealableUntil
                    ? ` (appealable until ${formatTime(Number(outcome.appealableUntil))})`
                    : ''}{' '}
                  (
                  <TxLink hash={outcome.txHash} />
                  ).
                </>
              ) : (
                'Reading the bond outcome from the chain…'
              ))}
          </p>
        )}
      />
    </section>
  );
}

const OUTCOME_WORDS = {
  posted: 'posted',
  returned: 'returned to the contributor',
  forfeiting: 'held for forfeit to the protocol treasury; the contributor may appeal to governance',
  forfeited: 'forfeited to the protocol treasury',
} as const;
