/** A transaction as the chain has it: status, block, from, to, and its events decoded with the protocol's ABIs. */
import { useQuery } from '@tanstack/react-query';
import * as protocol from '@tributary/protocol';
import { type Abi, type Hex, parseEventLogs } from 'viem';
import { usePublicClient } from 'wagmi';
import { Address } from '../ui/bits';
import { formatTime } from '../ui/format';
import { QueryView } from '../ui/QueryView';

const ABIS = Object.entries(protocol)
  .filter(([name]) => name.endsWith('Abi'))
  .flatMap(([, abi]) => abi as Abi);

const show = (value: unknown): string =>
  typeof value === 'bigint'
    ? value.toString()
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
      : String(value);

export function TxPage({ hash }: { hash: string }) {
  const client = usePublicClient();
  const query = useQuery({
    queryKey: ['tx', hash],
    enabled: Boolean(client),
    queryFn: async () => {
      const receipt = await client!.getTransactionReceipt({ hash: hash as Hex });
      const block = await client!.getBlock({ blockNumber: receipt.blockNumber });
      return { receipt, block, events: parseEventLogs({ abi: ABIS, logs: receipt.logs, strict: false }) };
    },
  });
  return (
    <section>
      <h1>Transaction</h1>
      <p>
        <code className="hex">{hash}</code>
      </p>
      <QueryView query={query} what="the transaction from the chain">
        {({ receipt, block, events }) => (
          <>
            <dl className="facts">
              <dt>Status</dt>
              <dd>{receipt.status === 'success' ? 'succeeded' : 'reverted'}</dd>
              <dt>Block</dt>
              <dd>
                {receipt.blockNumber.toString()} ({formatTime(Number(block.timestamp))})
              </dd>
              <dt>From</dt>
              <dd>
                <Address value={receipt.from} />
              </dd>
              <dt>To</dt>
              <dd>{receipt.to ? <Address value={receipt.to} /> : 'contract creation'}</dd>
              <dt>Gas used</dt>
              <dd>{receipt.gasUsed.toLocaleString('en-US')}</dd>
            </dl>
            <h2>Events</h2>
            {events.length === 0 ? (
              <p className="note empty">No protocol events in this transaction.</p>
            ) : (
              <ol>
                {events.map((e) => (
                  <li key={e.logIndex}>
                    <strong>{e.eventName}</strong>
                    <dl className="facts">
                      {Object.entries((e.args ?? {}) as Record<string, unknown>).map(([k, v]) => (
                        <div key={k} style={{ display: 'contents' }}>
                          <dt>{k}</dt>
                          <dd>
                            <code>{show(v)}</code>
                          </dd>
                        </div>
                      ))}
                    </dl>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
