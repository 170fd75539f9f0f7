/**
 * Contribute by drag and drop (or by choosing files): each file is hashed, bonded on-chain when
 * the datanet asks a bond, signed in the wallet (EIP-712) and uploaded, with its progress shown.
 */
import { useQueryClient } from '@tanstack/react-query';
import type { DatanetView } from '@tributary/protocol';
import { type DragEvent, useId, useState } from 'react';
import { ErrorNote, Progress, Trib } from '../ui/bits';
import { type Described, describeError } from '../wallet/describeError';
import { useWallet } from '../wallet/useWallet';
import { datanetKeys } from './queries';

type Stage = 'waiting' | 'bond' | 'signing' | 'done' | 'failed';
type Item = { name: string; bytes: number; stage: Stage; status?: string; error?: Described };

const STAGE_WORDS: Record<Stage, string> = {
  waiting: 'waiting',
  bond: 'posting the bond (approve, then post; two wallet transactions)',
  signing: 'sign in your wallet, then it uploads',
  done: 'uploaded',
  failed: 'failed',
};

export function ContributePanel({ datanet }: { datanet: DatanetView }) {
  const wallet = useWallet();
  const queries = useQueryClient();
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<Described | null>(null);
  const inputId = useId();
  const bond = BigInt(datanet.policy.contributionBond);
  const done = items.filter((i) => i.stage === 'done' || i.stage === 'failed').length;

  async function upload(files: File[]) {
    if (files.length === 0) return;
    setProblem(null);
    let client: Awaited<ReturnType<typeof wallet.signer>>;
    try {
      client = await wallet.signer();
    } catch (error) {
      setProblem(describeError(error));
      return;
    }
    const start = items.length;
    setItems((all) => [
      ...all,
      ...files.map((f) => ({ name: f.name, bytes: f.size, stage: 'waiting' as Stage })),
    ]);
    const update = (i: number, patch: Partial<Item>) =>
      setItems((all) => all.map((item, j) => (j === start + i ? { ...item, ...patch } : item)));
    for (const [i, file] of files.entries()) {
      try {
        const content = new Uint8Array(await file.arrayBuffer());
        if (bond > 0n) {
          update(i, { stage: 'bond' });
          await client.postBond({ datanetId: datanet.id, content });
        }
        update(i, { stage: 'signing' });
        const contribution = await client.contribute({ datanetId: datanet.id, filename: file.name, content });
        update(i, {
          stage: 'done',
          status: `contribution ${contribution.id}, ${contribution.status}, ${contribution.tokens} tokens`,
        });
      } catch (error) {
        update(i, { stage: 'failed', error: describeError(error) });
      }
    }
    await queries.invalidateQueries({ queryKey: datanetKeys.one(datanet.id) });
  }

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void upload([...e.dataTransfer.files]);
  };

  return (
    <section className="panel" aria-labelledby="contribute-title">
      <h2 id="contribute-title">Contribute</h2>
      <p className="muted">
        {datanet.policy.contributionMode === 'curated'
          ? 'The owner reviews each contribution before it joins a version.'
          : 'Contributions are accepted at once and join the next version.'}{' '}
        {bond > 0n && (
          <>
            This datanet asks a bond of <Trib value={bond} /> per file, returned when it is accepted.
          </>
        )}
      </p>
      <section
        aria-label="Drop files to contribute"
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <p>Drop text files here (Markdown, plain text, JSON),</p>
        <label htmlFor={inputId}>or choose files:</label>
        <input
          id={inputId}
          type="file"
          multiple
          onChange={(e) => {
            void upload([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </section>
      {problem && <ErrorNote error={problem} />}
      {items.length > 0 && (
        <div aria-live="polite">
          <Progress label={`Uploaded ${done} of ${items.length} files`} value={done} max={items.length} />
          <ul className="uploads">
            {items.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: uploads are appended, never reordered
              <li key={i}>
                <strong>{item.name}</strong> ({item.bytes.toLocaleString('en-US')} bytes):{' '}
                {STAGE_WORDS[item.stage]}
                {item.status && <span className="muted"> — {item.status}</span>}
                {item.error && <ErrorNote error={item.error} />}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
