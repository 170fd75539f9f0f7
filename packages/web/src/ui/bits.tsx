/** Small shared pieces: addresses, amounts, transaction links, error and progress displays. */
import type { ReactNode } from 'react';
import { Link } from '../app/router';
import type { Described } from '../wallet/describeError';
import { formatTrib, shortHex } from './format';

export const Address = ({ value }: { value: string }) => (
  <code className="hex" title={value}>
    {shortHex(value)}
  </code>
);

export const Trib = ({ value }: { value: string | bigint }) => (
  <span className="amount">{formatTrib(value)}</span>
);

/** A transaction hash, linking to the app's transaction page (read from the chain). */
export const TxLink = ({ hash }: { hash: string }) => (
  <Link to={`/tx/${hash}`} title={`transaction ${hash}`}>
    <span className="sr-only">transaction </span>
    <code className="hex">{shortHex(hash)}</code>
  </Link>
);

/** An error in words, with its details (role=alert so screen readers announce it). */
export function ErrorNote({ error, action }: { error: Described; action?: ReactNode }) {
  return (
    <div className="note error" role="alert">
      <strong>{error.title}</strong>
      {error.details.length > 0 && (
        <ul>
          {error.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {action}
    </div>
  );
}

export const Loading = ({ what }: { what: string }) => (
  <p className="muted" role="status" aria-live="polite">
    <span className="spinner" aria-hidden="true" /> Loading {what}…
  </p>
);

export const Empty = ({ children }: { children: ReactNode }) => <p className="note empty">{children}</p>;

export function Progress({ label, value, max }: { label: string; value: number; max: number | null }) {
  return (
    <div className="progress">
      <label>
        {label}
        <progress value={max ? value : undefined} max={max ?? undefined} />
      </label>
    </div>
  );
}
