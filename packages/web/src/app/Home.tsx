/** The front page: what Tributary is and where each kind of user starts. */
import { Link } from './router';

const STARTS = [
  [
    '/datanets',
    'Contribute data',
    'Browse community datasets, upload files with a signature, see every version on-chain.',
  ],
  [
    '/models',
    'Build and register models',
    'Build from exact datanet versions, set a price and a split, register on-chain.',
  ],
  [
    '/playground',
    'Ask a model',
    'Chat with a model and see which contributions each part of the answer came from.',
  ],
  [
    '/earnings',
    'See and claim earnings',
    'What contributors, developers and the node earned, by epoch and datanet.',
  ],
  ['/payers', 'Pay for calls', 'Fund the escrow, authorize this node, manage API keys, see your calls.'],
  [
    '/governance',
    'Govern',
    'Delegate, propose from templates, vote with a reason, queue, execute, claim voter rewards.',
  ],
  ['/protocol', 'Follow the money', 'Fees in, rewards out, the treasury, and the token emission (zero).'],
] as const;

export function Home() {
  return (
    <section>
      <h1>Tributary</h1>
      <p className="lead">
        An AI ledger: community datasets whose every version is on-chain, models built from exact versions,
        and every answer with a signed receipt that names the data behind it and pays its contributors from
        the fee.
      </p>
      <ul className="cards">
        {STARTS.map(([to, title, text]) => (
          <li key={to}>
            <h2>
              <Link to={to}>{title}</Link>
            </h2>
            <p>{text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
