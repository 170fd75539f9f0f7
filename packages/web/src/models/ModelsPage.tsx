/**
 * The catalog of models this node serves, each with its lineage: the exact datanet versions it
 * was built from (and their manifest roots), its artifact hash, developer, the serving node, its
 * price and how each fee is split.
 */
import { useQuery } from '@tanstack/react-query';
import { useNode } from '../app/node';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { Address, Trib } from '../ui/bits';
import { bpsPercent } from '../ui/format';
import { QueryView } from '../ui/QueryView';

export function ModelsPage() {
  const node = useNode();
  const catalog = useQuery({ queryKey: ['catalog'], queryFn: () => reader.catalog() });
  return (
    <section>
      <h1>Models</h1>
      <p className="lead">
        Every model names the exact datanet versions it was built from; its answers pay those datanets'
        contributors.
      </p>
      <p>
        <Link to="/models/build" className="button">
          Build a model
        </Link>
      </p>
      <QueryView
        query={catalog}
        what="the models"
        isEmpty={(m) => m.length === 0}
        empty="No model is registered yet."
      >
        {(models) => (
          <ul className="cards">
            {models.map((m) => (
              <li key={m.id} aria-labelledby={`model-${m.id}`}>
                <h2 id={`model-${m.id}`}>
                  {m.name} <span className="muted">v{m.version}</span>{' '}
                  <span className={`tag${m.status === 'active' ? ' good' : ' bad'}`}>{m.status}</span>
                </h2>
                <dl className="facts">
                  <dt>Kind</dt>
                  <dd>{m.kind}</dd>
                  <dt>Built from</dt>
                  <dd>
                    <ul>
                      {m.datanets.map((d) => (
                        <li key={`${d.datanetId}-${d.version}`}>
                          <Link to={`/datanets/${d.datanetId}`}>
                            datanet #{d.datanetId} version {d.version}
                          </Link>{' '}
                          <code className="hex" title={`manifest root ${d.manifestRoot}`}>
                            {d.manifestRoot.slice(0, 10)}…
                          </code>
                        </li>
                      ))}
                    </ul>
                  </dd>
                  <dt>Artifact</dt>
                  <dd>
                    <code className="hex">{m.artifactHash}</code>
                  </dd>
                  <dt>Developer</dt>
                  <dd>
                    <Address value={m.developer} />
                  </dd>
                  <dt>Node</dt>
                  <dd>
                    <Address value={node.node} />
                  </dd>
                  <dt>Price per token</dt>
                  <dd>
                    in <Trib value={m.pricing.pricePerInputToken} />, out{' '}
                    <Trib value={m.pricing.pricePerOutputToken} />
                  </dd>
                  <dt>Split</dt>
                  <dd>
                    data {bpsPercent(m.split.dataBps)}, developer {bpsPercent(m.split.developerBps)}, compute{' '}
                    {bpsPercent(m.split.computeBps)}
                  </dd>
                </dl>
                {m.status === 'active' && <Link to="/playground">Ask it in the playground</Link>}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}
