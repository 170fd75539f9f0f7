/**
 * Connect a wallet: a browser wallet (EIP-1193), or on the local chain a dev account whose key
 * Anvil holds. The picker is a native <dialog> (focus trapped, Esc closes).
 */
import { useRef } from 'react';
import { useAccount, useConnect, useDisconnect } from 'wagmi';
import { Address } from '../ui/bits';
import { describeError } from './describeError';

export function WalletMenu() {
  const { address, connector, status } = useAccount();
  const { connectors, connect, error, isPending } = useConnect();
  const { disconnect } = useDisconnect();
  const dialog = useRef<HTMLDialogElement>(null);

  if (status === 'connected' && address) {
    return (
      <div className="wallet">
        <span>
          <span className="sr-only">Connected as </span>
          <Address value={address} /> <span className="muted">({connector?.name})</span>
        </span>
        <button type="button" onClick={() => disconnect()}>
          Disconnect
        </button>
      </div>
    );
  }
  const browser = connectors.filter((c) => c.type !== 'devAccount');
  const dev = connectors.filter((c) => c.type === 'devAccount');
  const choose = (c: (typeof connectors)[number]) =>
    connect({ connector: c }, { onSuccess: () => dialog.current?.close() });
  return (
    <div className="wallet">
      <button type="button" className="primary" onClick={() => dialog.current?.showModal()}>
        {isPending ? 'Connecting…' : 'Connect wallet'}
      </button>
      <dialog ref={dialog} aria-labelledby="wallet-title">
        <h2 id="wallet-title">Connect a wallet</h2>
        <p className="muted">Every write is a signature or a transaction you approve in the wallet.</p>
        <ul className="choices">
          {browser.map((c) => (
            <li key={c.uid}>
              <button type="button" onClick={() => choose(c)}>
                {c.name === 'Injected' ? 'Browser wallet' : c.name}
              </button>
            </li>
          ))}
        </ul>
        {dev.length > 0 && (
          <fieldset>
            <legend>Dev accounts (local chain only; Anvil signs)</legend>
            <ul className="choices">
              {dev.map((c) => (
                <li key={c.uid}>
                  <button type="button" onClick={() => choose(c)}>
                    {c.name}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        {error && (
          <p role="alert" className="error-text">
            {describeError(error).title} {describeError(error).details.join(' ')}
          </p>
        )}
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </div>
  );
}
