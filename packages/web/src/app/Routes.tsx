/** Which page a path shows; each page's code loads on its first visit. */
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Loading } from '../ui/bits';
import { Home } from './Home';
import { matchPath, useLocation } from './router';

const page = <K extends string>(load: () => Promise<Record<K, React.ComponentType<never>>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] as React.ComponentType<Record<string, string>> }));

const ROUTES: [string, React.ComponentType<Record<string, string>>][] = [
  ['/', Home as React.ComponentType<Record<string, string>>],
  ['/datanets', page(() => import('../datanets/DatanetsPage'), 'DatanetsPage')],
  ['/datanets/new', page(() => import('../datanets/CreateDatanetPage'), 'CreateDatanetPage')],
  ['/datanets/:id', page(() => import('../datanets/DatanetPage'), 'DatanetPage')],
  ['/models', page(() => import('../models/ModelsPage'), 'ModelsPage')],
  ['/models/build', page(() => import('../models/BuildModelPage'), 'BuildModelPage')],
  ['/playground', page(() => import('../playground/PlaygroundPage'), 'PlaygroundPage')],
  ['/receipts/:id', page(() => import('../receipts/ReceiptPage'), 'ReceiptPage')],
  ['/earnings', page(() => import('../earnings/EarningsPage'), 'EarningsPage')],
  ['/protocol', page(() => import('../protocol/ProtocolPage'), 'ProtocolPage')],
  ['/governance', page(() => import('../governance/GovernancePage'), 'GovernancePage')],
  ['/payers', page(() => import('../payers/PayersPage'), 'PayersPage')],
  ['/tx/:hash', page(() => import('../tx/TxPage'), 'TxPage')],
];

export function Routes() {
  const { path } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation (path change)
  useEffect(() => {
    // After a navigation (not the first load), move focus to the new page so screen readers read it.
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
    window.scrollTo(0, 0);
  }, [path]);
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) {
      return (
        <Suspense fallback={<Loading what="the page" />}>
          <Page {...params} />
        </Suspense>
      );
    }
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. The menu above lists what there is.
      </p>
    </section>
  );
}
