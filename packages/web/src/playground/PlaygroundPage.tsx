/**
 * The playground: pick a model, fund calls if needed, ask, and watch the answer stream in; then
 * its attributed spans light up, each showing the contributions behind it and what they were paid.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { parseEther } from 'viem';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { ActionStatus } from '../ui/ActionStatus';
import { ErrorNote, Loading } from '../ui/bits';
import { QueryView } from '../ui/QueryView';
import { describeError } from '../wallet/describeError';
import { useAction } from '../wallet/useAction';
import { useWallet } from '../wallet/useWallet';
import { AttributedAnswer } from './AttributedAnswer';
import { type CallAttribution, streamChat } from './streamChat';

export function PlaygroundPage() {
  const catalog = useQuery({ queryKey: ['catalog'], queryFn: () => reader.catalog() });
  return (
    <section>
      <h1>Playground</h1>
      <p className="lead">
        Ask a model. Highlighted parts of the answer came from contributions in its datanets; each was paid
        from the fee.
      </p>
      <QueryView
        query={catalog}
        what="the models"
        isEmpty={(models) => !models.some((m) => m.status === 'active')}
        empty={
          <>
            No model is served yet. <Link to="/models">Build one from a datanet</Link>.
          </>
        }
      >
        {(models) => <Chat models={models.filter((m) => m.status === 'active').map((m) => m.name)} />}
      </QueryView>
    </section>
  );
}

function Chat({ models }: { models: string[] }) {
  const wallet = useWallet();
  const [model, setModel] = useState(models[0]!);
  const [prompt, setPrompt] = useState('');
  const [streamed, setStreamed] = useState('');
  const [fundAmount, setFundAmount] = useState('50');
  const fund = useAction((client, amount: bigint) => client.fundCalls({ amount, cap: amount }));
  const ask = useMutation<{ text: string; attribution: CallAttribution }, Error, string>({
    mutationFn: async (question) => {
      setStreamed('');
      const client = await wallet.signer({ login: true });
      return streamChat({
        apiKey: client.apiKey!,
        model,
        messages: [{ role: 'user', content: question }],
        onText: setStreamed,
      });
    },
  });

  return (
    <>
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          if (prompt.trim()) ask.mutate(prompt.trim());
        }}
      >
        <label>
          Model
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Your question
          <textarea rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </label>
        <p>
          <button type="submit" className="primary" disabled={ask.isPending || !prompt.trim()}>
            {ask.isPending ? 'Answering…' : 'Ask'}
          </button>{' '}
          {!wallet.connected && <span className="muted">Connect a wallet to pay for the call.</span>}
        </p>
      </form>
      <details className="panel">
        <summary>Paying for calls</summary>
        <p>
          Calls are paid from your deposit in the escrow, which this node may charge up to a cap you set (one
          signature and one transaction). <Link to="/payers">Payers</Link> shows your calls and keys.
        </p>
        <div className="inline-form">
          <label>
            Deposit (TRIB)
            <input inputMode="decimal" value={fundAmount} onChange={(e) => setFundAmount(e.target.value)} />
          </label>
          <button
            type="button"
            onClick={() => fund.mutate(parseEther(fundAmount || '0'))}
            disabled={fund.isPending}
          >
            Deposit and authorize this node
          </button>
        </div>
        <ActionStatus
          action={fund}
          done={() => `Deposited ${fundAmount} TRIB; this node may charge up to it.`}
        />
      </details>
      <section aria-label="Answer" aria-busy={ask.isPending}>
        {ask.isPending && (streamed ? <p className="chat">{streamed}</p> : <Loading what="the answer" />)}
        {ask.isError && <ErrorNote error={describeError(ask.error)} />}
        {ask.isSuccess && <AttributedAnswer text={ask.data.text} attribution={ask.data.attribution} />}
      </section>
    </>
  );
}
