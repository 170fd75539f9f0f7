/**
 * The app shell: loads the node's facts, sets up the wallet (wagmi) and the query cache
 * (TanStack Query), then shows the header, the wrong-network banner and the current page.
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { WagmiProvider } from 'wagmi';
import { ErrorNote, Loading } from '../ui/bits';
import { ChainBanner } from '../wallet/ChainBanner';
import { describeError } from '../wallet/describeError';
import { WalletMenu } from '../wallet/WalletMenu';
import { createWagmiConfig, devAccounts } from '../wallet/wagmiConfig';
import { fetchNodeInfo, NodeContext } from './node';
import { Routes } from './Routes';
import { Link } from './router';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 2_000, refetchOnWindowFocus: false } },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Shell />
    </QueryClientProvider>
  );
}

function Shell() {
  const setup = useQuery({
    queryKey: ['node-setup'],
    queryFn: async () => {
      const info = await fetchNodeInfo();
      return { info, accounts: await devAccounts(info) };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const config = useMemo(
    () => (setup.data ? createWagmiConfig(setup.data.info, setup.data.accounts) : null),
    [setup.data],
  );
  if (!setup.data || !config) {
    return (
      <main id="main" className="boot">
        <h1>Tributary</h1>
        {setup.isError ? (
          <ErrorNote
            error={{
              title: `The node did not answer: ${describeError(setup.error).title}`,
              details: ['Is it running? `npm start` starts a local network and prints its URL.'],
            }}
            action={
              <button type="button" onClick={() => setup.refetch()}>
                Try again
              </button>
            }
          />
        ) : (
          <Loading what="the node's details" />
        )}
      </main>
    );
  }
  return (
    <NodeContext.Provider value={setup.data.info}>
      <WagmiProvider config={config}>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <Link to="/" className="brand">
            Tributary
          </Link>
          <nav aria-label="Main">
            <ul>
              {NAV.map(([to, label]) => (
                <li key={to}>
                  <Link to={to}>{label}</Link>
                </li>
              ))}
            </ul>
          </nav>
          <WalletMenu />
        </header>
        <ChainBanner />
        <main id="main" tabIndex={-1}>
          <Routes />
        </main>
        <footer className="muted">
          Chain {setup.data.info.chainId} · node <code>{setup.data.info.node}</code>
        </footer>
      </WagmiProvider>
    </NodeContext.Provider>
  );
}

const NAV = [
  ['/datanets', 'Datanets'],
  ['/models', 'Models'],
  ['/playground', 'Playground'],
  ['/earnings', 'Earnings'],
  ['/payers', 'Payers'],
  ['/governance', 'Governance'],
  ['/protocol', 'Protocol'],
] as const;
