/**
 * A receipt, checked in the browser: the node's signature (against the signing key the chain
 * has for the node, not the node's word), the fee from prices and tokens, the split and every
 * contribution's amount. Re-running the call needs the texts and a rebuilt model: the page gives
 * the command for that.
 */

import { useQuery } from '@tanstack/react-query';
import { nodeRegistryAbi, verifyReceipt } from '@tributary/protocol';
import { createPublicClient, http } from 'viem';
import { useNode } from '../app/node';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { Address, Trib } from '../ui/bits';
import { bpsPercent, formatTime, ppmPercent } from '../ui/format';
import { QueryView } from '../ui/QueryView';

export function ReceiptPage({ id }: { id: string }) {
  const node = useNode();
  const checked = useQuery({
    queryKey: ['receipts', id, 'verified'],
    queryFn: async () => {
      const view = await reader.getReceipt(id);
      const chain = createPublicClient({ transport: http(node.rpcUrl) });
      const signingKey = await chain.readContract({
        address: node.addresses.nodeRegistry,
        abi: nodeRegistryAbi,
        functionName: 'signingKeyOf',
        args: [view.receipt.node],
      });
      const result = await verifyReceipt({
        receipt: view.receipt,
        signature: view.signature,
        rewardDistributor: node.addresses.rewardDistributor,
        expectedSigner: signingKey,
      });
      return { view, signingKey, result };
    },
  });
  return (
    <section>
      <h1>Receipt</h1>
      <p className="muted">
        <code className="hex">{id}</code>
      </p>
      <QueryView query={checked} what="the receipt">
        {({ view, signingKey, result }) => {
          const r = view.receipt;
          return (
            <>
              <div className={`note ${result.valid ? 'success' : 'error'}`} role="status">
                <strong>
                  {result.valid
                    ? 'Verified in your browser: signature, fee, split and amounts hold.'
                    : 'This receipt does not verify.'}
                </strong>
                {result.problems.length > 0 && (
                  <ul>
                    {result.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </div>
              <section className="panel" aria-label="Checks">
                <h2>What was checked here</h2>
                <ul>
                  <li>
                    Signed by <Address value={r.signer} />, the key the chain registers for node{' '}
                    <Address value={r.node} /> (<Address value={signingKey} />)
                  </li>
                  <li>
                    Fee <Trib value={r.fee} /> = {r.input.tokens} input × {r.pricing.pricePerInputToken} +{' '}
                    {r.output.tokens} output × {r.pricing.pricePerOutputToken} (base units)
                  </li>
                  <li>
                    Split: protocol <Trib value={r.split.protocol} /> ({bpsPercent(r.split.protocolFeeBps)}),
                    compute <Trib value={r.split.compute} /> ({bpsPercent(r.split.computeBps)}), developer{' '}
                    <Trib value={r.split.developer} /> ({bpsPercent(r.split.developerBps)}), data{' '}
                    <Trib value={r.split.data} /> ({bpsPercent(r.split.dataBps)})
                  </li>
                </ul>
                <p>
                  The texts and the attribution are re-checked by re-running the call on a model rebuilt from
                  the datanets' public snapshots (the payer has the texts):
                </p>
                <pre className="command">
                  tributary verify-receipt --node {window.location.origin} --receipt {id} --prompt TEXT
                  --output-file ANSWER.txt
                </pre>
              </section>
              <section className="panel" aria-label="Details">
                <h2>Details</h2>
                <dl className="facts">
                  <dt>Model</dt>
                  <dd>
                    #{r.model.id} v{r.model.version} ({r.model.kind})
                  </dd>
                  <dt>Payer</dt>
                  <dd>
                    <Address value={r.payer} />
                  </dd>
                  <dt>Epoch</dt>
                  <dd>{r.epoch}</dd>
                  <dt>Time</dt>
                  <dd>{formatTime(r.time)}</dd>
                  <dt>Method</dt>
                  <dd>{r.attribution.method}</dd>
                </dl>
                <table>
                  <caption className="sr-only">Contributions paid</caption>
                  <thead>
                    <tr>
                      <th scope="col">Contribution</th>
                      <th scope="col">Contributor</th>
                      <th scope="col">Datanet</th>
                      <th scope="col">Weight</th>
                      <th scope="col">Paid</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.attribution.contributions.map((c) => (
                      <tr key={c.contributionId}>
                        <td>#{c.contributionId}</td>
                        <td>
                          <Address value={c.contributor} />
                        </td>
                        <td>
                          <Link to={`/datanets/${c.datanetId}`}>#{c.datanetId}</Link>
                        </td>
                        <td>{ppmPercent(c.ppm)}</td>
                        <td>
                          <Trib value={c.amount} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
