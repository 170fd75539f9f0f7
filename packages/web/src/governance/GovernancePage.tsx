/**
 * Governance: your votes and delegate (delegate with one transaction), a proposal from a
 * template (its action shown in words before you sign), and every proposal with its decoded
 * actions, tally against quorum, and the next step its state allows: vote with a reason, queue,
 * execute. Read from the chain and refreshed every few seconds (states follow the chain's clock).
 */
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Address, isAddress } from 'viem';
import { useNode } from '../app/node';
import { ActionStatus } from '../ui/ActionStatus';
import { Address as AddressText, Trib } from '../ui/bits';
import { QueryView } from '../ui/QueryView';
import { useWallet } from '../wallet/useWallet';
import { governanceWriter, listProposals, type Proposal, votingPower } from './chain';
import { describeCall, TEMPLATES } from './templates';

type Writer = Awaited<ReturnType<typeof governanceWriter>>;

/** A governance write through the connected wallet, refreshing what it changed. */
function useGovernanceAction<A>(run: (w: Writer, args: A) => Promise<unknown>, invalidates: QueryKey[]) {
  const node = useNode();
  const wallet = useWallet();
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async (args: A) => {
      const { address, provider } = await wallet.walletProvider();
      return run(await governanceWriter(node, address, provider), args);
    },
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
  const node = useNode();
  const power = useQuery({ queryKey: ['gov', 'power', address], queryFn: () => votingPower(node, address) });
  const [to, setTo] = useState('');
  const delegate = useGovernanceAction((w, target: Address) => w.delegate(target), [['gov']]);
  return (
    <section className="panel" aria-label="Your votes">
      <h2>Your votes</h2>
      <QueryView query={power} what="your votes">
        {(p) => (
          <dl className="facts">
            <dt>Tokens</dt>
            <dd>
              <Trib value={p.balance} />
            </dd>
            <dt>Voting power</dt>
            <dd>
              <Trib value={p.votes} />
            </dd>
            <dt>Delegated to</dt>
            <dd>
              {/^0x0+$/.test(p.delegate) ? (
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
    </section>
  );
}

function NewProposal() {
  const node = useNode();
  const [templateId, setTemplateId] = useState(TEMPLATES[0]!.id);
  const [values, setValues] = useState<Record<string, string>>({});
  const [description, setDescription] = useState('');
  const template = TEMPLATES.find((t) => t.id === templateId)!;
  let call: ReturnType<typeof template.encode> | null = null;
  let problem = '';
  try {
    call = template.encode(node, values);
  } catch (error) {
    problem = (error as Error).message;
  }
  const propose = useGovernanceAction(
    (w, _: undefined) =>
      w.propose({ targets: [call!.target], values: [call!.value], calldatas: [call!.calldata], description }),
    [['gov']],
  );
  return (
    <form
      className="panel"
      aria-label="New proposal"
      onSubmit={(e) => {
        e.preventDefault();
        if (call && description.trim()) propose.mutate(undefined);
      }}
    >
      <h2>New proposal</h2>
      <label>
        Template
        <select
          value={templateId}
          onChange={(e) => {
            setTemplateId(e.target.value);
            setValues({});
          }}
        >
          {TEMPLATES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
        </select>
      </label>
      {template.fields.map((f) => (
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
        Description (why; voters read it)
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <p aria-live="polite">
        {call ? (
          <>
            It will: <strong>{describeCall(node, { target: call.target, calldata: call.calldata })}</strong>
          </>
        ) : (
          <span className="muted">{Object.keys(values).length > 0 ? problem : 'Fill in the template.'}</span>
        )}
      </p>
      <button type="submit" className="primary" disabled={!call || !description.trim() || propose.isPending}>
        Propose
      </button>
      <ActionStatus action={propose} done={() => 'Proposed. Voting opens after the voting delay.'} />
    </form>
  );
}

function Proposals() {
  const node = useNode();
  const proposals = useQuery({
    queryKey: ['gov', 'proposals'],
    queryFn: () => listProposals(node),
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
              <ProposalCard key={p.id.toString()} proposal={p} />
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function ProposalCard({ proposal: p }: { proposal: Proposal }) {
  const node = useNode();
  const wallet = useWallet();
  const [reason, setReason] = useState('');
  const action = useGovernanceAction(
    (w, step: 'for' | 'against' | 'abstain' | 'queue' | 'execute') =>
      step === 'queue'
        ? w.queue(p)
        : step === 'execute'
          ? w.execute(p)
          : w.vote(p.id, step === 'against' ? 0 : step === 'for' ? 1 : 2, reason),
    [['gov']],
  );
  const title = p.description.split('\n')[0] || `Proposal ${p.id.toString().slice(0, 8)}…`;
  const headingId = `proposal-${p.id.toString().slice(0, 16)}`;
  return (
    <li aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <p>
        <span className={`tag${p.state === 'Executed' || p.state === 'Succeeded' ? ' good' : ''}`}>
          {p.state}
        </span>{' '}
        by <AddressText value={p.proposer} />
      </p>
      <p>It will:</p>
      <ul>
        {p.targets.map((target, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a proposal's actions are fixed and ordered
          <li key={i}>{describeCall(node, { target, calldata: p.calldatas[i]! })}</li>
        ))}
      </ul>
      <p>
        For <Trib value={p.votes.for} />, against <Trib value={p.votes.against} />, abstain{' '}
        <Trib value={p.votes.abstain} />
        {p.quorum > 0n && (
          <>
            {' '}
            (quorum <Trib value={p.quorum} />)
          </>
        )}
      </p>
      {p.ballots.length > 0 && (
        <ul aria-label="Votes">
          {p.ballots.map((b) => (
            <li key={b.voter}>
              <AddressText value={b.voter} /> voted {SUPPORT[b.support] ?? b.support} with{' '}
              <Trib value={b.weight} />
              {b.reason && <>: “{b.reason}”</>}
            </li>
          ))}
        </ul>
      )}
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
      {p.state === 'Pending' && <p className="muted">Voting opens after the voting delay.</p>}
      <ActionStatus action={action} done={() => 'Done: the chain recorded it.'} />
    </li>
  );
}

const SUPPORT = ['against', 'for', 'abstaining'];
