/** What a write is doing now (waiting for the wallet, done, or why it failed), announced politely. */
import type { UseMutationResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describeError } from '../wallet/describeError';
import { ErrorNote } from './bits';

export function ActionStatus<T>({
  action,
  pending = 'Waiting for your wallet and the node…',
  done,
}: {
  action: Pick<UseMutationResult<T, Error, never>, 'isPending' | 'isError' | 'isSuccess' | 'error' | 'data'>;
  pending?: string;
  done?: (data: T) => ReactNode;
}) {
  return (
    <div aria-live="polite" className="action-status">
      {action.isPending && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> {pending}
        </p>
      )}
      {action.isError && <ErrorNote error={describeError(action.error)} />}
      {action.isSuccess && done && (
        <div className="note success" role="status">
          {done(action.data as T)}
        </div>
      )}
    </div>
  );
}
