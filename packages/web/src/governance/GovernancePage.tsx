/**
 * Governance: your votes, delegate and voter rewards (claim with one transaction), a proposal
 * from a template (its action shown in words before you sign), and every proposal with its
 * decoded actions, tally against quorum, votes with reasons and the next step its state allows:
 * vote with a reason, queue, execute. Lists and tallies come from the node's governance index
 * (/v1/governance), refreshed every few seconds; writes go through the SDK with the wallet.
 */

import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { GovernanceAccountView, ProposalSummaryView } from '@tributary/protocol';
import type { TributaryClient } from '@tributary/sdk';
import { useState } from 'react';
import { type Address, isAddress } from 'viem';
import { reader } from '../app/reader';
import { ActionStatus } from '../ui/ActionStatus';
import { Address as AddressText, Trib } from '../ui/bits';
import { formatTrib } from '../ui/format';
import { QueryView } from '../ui/QueryView';
import { useWallet } from '../wallet/useWallet';
import { previewTemplate, TEMPLATE_FORMS } from './templates';

/** A governance write through the connected wallet, refreshing what it changed. */
function useGovernanceAction<A, R>(
  run: (c: TributaryClient, args: A) => Promise<R>,
  invalidates: QueryKey[],
) {
  const wallet = useWallet();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (args: A) => run(await wallet.signer(), args),
    onSettled: () => Promise.all(invalidates.map((queryKey) => queries.invalidateQueries({ queryKey }))),
  });
}

export function GovernancePage() {
  const wallet = useWallet();
  return (
    <section>
      <h1>Governance</h1>
      <p className="lead">
        Token holders decide on models and the rules: delegate your votes (to yourself to vote directly),
        propose, vote with a reason; a proposal that passes is queued in the timelock, then executed.
      </p>
      {wallet.address ? (
        <>
          <PowerPanel address={wallet.address} />
          <NewProposal />
        </>
      ) : (
        <p className="note empty">Connect a wallet (top right) to delegate, propose and vote.</p>
      )}
      <Proposals />
    </section>
  );
}

function PowerPanel({ address }: { address: Address }) {
  const power = useQuery({
    queryKey: ['gov', 'account', address],
    queryFn: () => reader.getGovernanceAccount(address),
    refetchInterval: 3_000,
  });
  const [to, setTo] = useState('');
  const delegate = useGovernanceAction((c, target: Address) => c.delegate({ to: target }), [['gov']]);
  return (
    <section className="panel" aria-label="Your votes">
      <h2>Your votes</h2>
      <QueryView query={power} what="your votes">
        {(p) => (
          <dl className="facts">
            <dt>Tokens</dt>
            <dd>
              <Trib value={BigInt(p.balance)} />
            </dd>
            <dt>Voting power</dt>
            <dd>
              <Trib value={BigInt(p.votes)} />
            </dd>
            <dt>Delegated to</dt>
            <dd>
              {!p.delegate ? (
                'nobody yet (tokens vote only once delegated)'
              ) : p.delegate.toLowerCase() === address.toLowerCase() ? (
                'yourself'
              ) : (
                <AddressText value={p.delegate} />
              )}
            </dd>
          </dl>
        )}
      </QueryView>
      <div className="inline-form">
        <button type="button" disabled={delegate.isPending} onClick={() => delegate.mutate(address)}>
          Delegate to myself
        </button>
        <label>
          Or delegate to
          <input value={to} onChange={(e) => setTo(e.target.value.trim())} placeholder="0x…" />
        </label>
        <button
          type="button"
          disabled={!isAddress(to) || delegate.isPending}
          onClick={() => delegate.mutate(to as Address)}
        >
          Delegate
        </button>
      </div>
      <ActionStatus action={delegate} done={() => 'Delegated. Votes count from proposals made after this.'} />
      {power.data && <VoterRewards account={power.data} />}
    </section>
  );
}

/** Voter rewards: claimable now (one transaction claims them all), opening later, and claimed. */
function VoterRewards({ account }: { account: GovernanceAccountView }) {
  const claim = useGovernanceAction((c, _: undefined) => c.claimVoterRewards(), [['gov']]);
  const r = account.rewards;
  return (
    <section aria-label="Voter rewards">
      <h3>Voter rewards</h3>
      <p>
        Claimable <Trib value={BigInt(r.claimableTotal)} />, claimed <Trib value={BigInt(r.claimedTotal)} />
        {r.upcoming.length > 0 && (
          <>
            ; {r.upcoming.length} more open on{' '}
            {new Date(Math.min(...r.upcoming.map((u) => u.opensAt)) * 1000).toLocaleString()}
          </>
        )}
      </p>
      <button
        type="button"
        disabled={r.claimable.length === 0 || claim.isPending}
        onClick={() => claim.mutate(undefined)}
      >
        Claim voter rewards
      </button>
      <ActionStatus action={claim} done={(paid) => `Claimed ${formatTrib(paid.amount)}.`} />
    </section>
  );
}

function NewProposal() {
  const [kind, setKind] = useState(TEMPLATE_FORMS[0]!.kind);
  const [values, setValues] = useState<Record<string, string>>({});
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const form = TEMPLATE_FORMS.find((t) => t.kind === kind)!;
  const preview = previewTemplate(form, values);
  const propose = useGovernanceAction(
    (c, _: undefined) =>
      'input' in preview
        ? c.propose({ title: title.trim(), body: body.trim() || undefined, templates: [preview.input] })
        : Promise.reject(new Error(preview.problem)),
    [['gov']],
  );
  return (
    <form
      className="panel"
      aria-label="New proposal"
      onSubmit={(e) => {
        e.preventDefault();
        if ('input' in preview && title.trim()) propose.mutate(undefined);
      }}
    >
      <h2>New proposal</h2>
      <label>
        Template
        <select
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as typeof kind);
            setValues({});
          }}
        >
          {TEMPLATE_FORMS.map((t) => (
            <option key={t.kind} value={t.kind}>
              {t.title}
            </option>
          ))}
        </select>
      </label>
      {form.fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <input
            value={values[f.name] ?? ''}
            placeholder={f.placeholder}
            onChange={(e) => setValues({ ...values, [f.name]: e.target.value.trim() })}
          />
        </label>
      ))}
      <label>
        Title (voters read it first)
        <input value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Why (optional)
        <textarea rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <p aria-live="polite">
        {'words' in preview ? (
          <>
            It will: <strong>{preview.words}</strong>
          </>
        ) : (
          <span className="muted">
            {Object.keys(values).length > 0 ? preview.problem : 'Fill in the template.'}
          </span>
        )}
      </p>
      <button
        type="submit"
        className="primary"
        disabled={!('input' in preview) || !title.trim() || propose.isPending}
      >
        Propose
      </button>
      <ActionStatus action={propose} done={() => 'Proposed. Voting opens after the voting delay.'} />
    </form>
  );
}

function Proposals() {
  const proposals = useQuery({
    queryKey: ['gov', 'proposals'],
    queryFn: () => reader.proposals(),
    refetchInterval: 3_000,
  });
  return (
    <section aria-label="Proposals">
      <h2>Proposals</h2>
      <QueryView
        query={proposals}
        what="the proposals"
        isEmpty={(p) => p.length === 0}
        empty="No proposal yet."
      >
        {(list) => (
          <ul className="cards">
            {list.map((p) => (
              <ProposalCard key={p.id} proposal={p} />
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function ProposalCard({ proposal: p }: { proposal: ProposalSummaryView }) {
  const wallet = useWallet();
  const [reason, setReason] = useState('');
  const detail = useQuery({
    queryKey: ['gov', 'proposal', p.id],
    queryFn: () => reader.getProposal(p.id),
    refetchInterval: 3_000, // votes arrive as the node indexes them
  });
  const action = useGovernanceAction(
    (c, step: 'for' | 'against' | 'abstain' | 'queue' | 'execute') =>
      step === 'queue'
        ? c.queue({ proposalId: p.id })
        : step === 'execute'
          ? c.execute({ proposalId: p.id })
          : c.castVote({ proposalId: p.id, support: step, reason: reason.trim() || undefined }),
    [['gov']],
  );
  const headingId = `proposal-${p.id.slice(0, 16)}`;
  const votes = detail.data?.votes ?? [];
  return (
    <li aria-labelledby={headingId}>
      <h3 id={headingId}>{p.title || `Proposal ${p.id.slice(0, 8)}…`}</h3>
      <p>
        <span className={`tag${p.state === 'Executed' || p.state === 'Succeeded' ? ' good' : ''}`}>
          {p.state}
        </span>{' '}
        by <AddressText value={p.proposer} />
      </p>
      <p>It will:</p>
      <ul>
        {p.summaries.map((summary, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a proposal's actions are fixed and ordered
          <li key={i}>{summary}</li>
        ))}
      </ul>
      <p>
        For <Trib value={BigInt(p.tally.for)} />, against <Trib value={BigInt(p.tally.against)} />, abstain{' '}
        <Trib value={BigInt(p.tally.abstain)} /> (quorum <Trib value={BigInt(p.quorum)} />)
      </p>
      {votes.length > 0 && (
        <ul aria-label="Votes">
          {votes.map((b) => (
            <li key={b.voter}>
              <AddressText value={b.voter} /> voted {b.support === 'abstain' ? 'abstaining' : b.support} with{' '}
              <Trib value={BigInt(b.weight)} />
              {b.reason && <>: “{b.reason}”</>}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Next: {p.next.message}</p>
      {wallet.address && p.state === 'Active' && (
        <div className="inline-form">
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" onClick={() => action.mutate('for')} disabled={action.isPending}>
            Vote for
          </button>
          <button type="button" onClick={() => action.mutate('against')} disabled={action.isPending}>
            Vote against
          </button>
          <button type="button" onClick={() => action.mutate('abstain')} disabled={action.isPending}>
            Abstain
          </button>
        </div>
      )}
      {wallet.address && p.state === 'Succeeded' && (
        <button type="button" onClick={() => action.mutate('queue')} disabled={action.isPending}>
          Queue in the timelock
        </button>
      )}
      {wallet.address && p.state === 'Queued' && (
        <button type="button" onClick={() => action.mutate('execute')} disabled={action.isPending}>
          Execute
        </button>
      )}
      <ActionStatus action={action} done={() => 'Done: the chain recorded it.'} />
    </li>
  );
}
