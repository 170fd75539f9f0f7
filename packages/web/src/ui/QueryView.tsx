/** Loading, error (with retry) and empty states for a query, then its data. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describeError } from '../wallet/describeError';
import { Empty, ErrorNote, Loading } from './bits';

export type QueryViewProps<T> = {
  query: UseQueryResult<T>;
  /** What is loading, for "Loading …". */
  what: string;
  /** Shown instead of `children` when this returns true for the data. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
};

export function QueryView<T>({ query, what, isEmpty, empty, children }: QueryViewProps<T>) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) {
    return (
      <ErrorNote
        error={{
          ...describeError(query.error),
          title: `Could not load ${what}: ${describeError(query.error).title}`,
        }}
        action={
          <button type="button" onClick={() => query.refetch()}>
            Try again
          </button>
        }
      />
    );
  }
  if (isEmpty?.(query.data)) return <Empty>{empty ?? `No ${what} yet.`}</Empty>;
  return <>{children(query.data)}</>;
}
