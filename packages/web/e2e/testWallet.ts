/**
 * A browser wallet for the journeys that need one (EIP-1193 on window.ethereum, as an extension
 * injects it): it holds an Anvil account, so Anvil really signs and sends, and the test plays the
 * user — approving, declining (error 4001), or starting on another chain.
 */
export type TestWalletOptions = { account: string; chainId: number };

/** Runs in the page before the app (context.addInitScript). */
export function testWalletScript({ rpcUrl, account, chainId }: TestWalletOptions & { rpcUrl: string }) {
  const listeners: Record<string, ((value: unknown) => void)[]> = {};
  const state = { chainId: `0x${chainId.toString(16)}`, decline: false };
  const emit = (event: string, value: unknown) => {
    for (const listener of listeners[event] ?? []) listener(value);
  };
  const userActions = new Set(['eth_signTypedData_v4', 'eth_sendTransaction', 'personal_sign']);
  let id = 0;
  const provider = {
    isTestWallet: true,
    async request({ method, params }: { method: string; params?: unknown[] }) {
      if (userActions.has(method) && state.decline) {
        throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
      }
      if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account];
      if (method === 'eth_chainId') return state.chainId;
      if (method === 'wallet_switchEthereumChain') {
        state.chainId = (params![0] as { chainId: string }).chainId;
        emit('chainChanged', state.chainId);
        return null;
      }
      if (state.chainId !== `0x${(31337).toString(16)}` && userActions.has(method)) {
        throw Object.assign(new Error('the wallet is on another chain'), { code: 4901 });
      }
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params ?? [] }),
      });
      const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
      if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
      return body.result;
    },
    on(event: string, listener: (value: unknown) => void) {
      listeners[event] = [...(listeners[event] ?? []), listener];
    },
    removeListener(event: string, listener: (value: unknown) => void) {
      listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener);
    },
  };
  Object.assign(window, { ethereum: provider, testWallet: state });
}
