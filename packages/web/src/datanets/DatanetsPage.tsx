/** Datanets: browse and search every datanet this node hosts. */
import { useState } from 'react';
import { Link } from '../app/router';
import { Address } from '../ui/bits';
import { QueryView } from '../ui/QueryView';
import { nameOf, useDatanets } from './queries';

export function DatanetsPage() {
  const datanets = useDatanets();
  const [search, setSearch] = useState('');
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return (
    <section>
      <h1>Datanets</h1>
      <p className="lead">
        Community datasets. Every version is committed on-chain, with who changed what and when.
      </p>
      <div className="inline-form">
        <label>
          Search datanets
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="name, topic, licence"
          />
        </label>
        <Link to="/datanets/new" className="button primary">
          Create a datanet
        </Link>
      </div>
      <QueryView
        query={datanets}
        what="datanets"
        isEmpty={(d) => d.length === 0}
        empty="No datanets yet: create the first one."
      >
        {(all) => {
          const shown = all.filter((d) => {
            const text =
              `${nameOf(d)} ${String(d.metadata?.description ?? '')} ${String(d.metadata?.licence ?? '')} ${d.policy.licence}`.toLowerCase();
            return words.every((w) => text.includes(w));
          });
          if (shown.length === 0) return <p className="note empty">No datanet matches “{search}”.</p>;
          return (
            <ul className="cards" aria-label="Datanets">
              {shown.map((d) => (
                <li key={d.id}>
                  <h2>
                    <Link to={`/datanets/${d.id}`}>{nameOf(d)}</Link>
                  </h2>
                  <p>{String(d.metadata?.description ?? '')}</p>
                  <p className="muted">
                    <span className="tag">{d.policy.contributionMode}</span>{' '}
                    <span className="tag">
                      {d.policy.licence === 'licensed' ? 'licensed' : 'open licence'}
                    </span>{' '}
                    {d.versionCount} version{d.versionCount === 1 ? '' : 's'} · owner{' '}
                    <Address value={d.owner} />
                  </p>
                </li>
              ))}
            </ul>
          );
        }}
      </QueryView>
    </section>
  );
}
