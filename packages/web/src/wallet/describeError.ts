/**
 * What went wrong, in words a user can act on: a declined wallet request, a wallet on another
 * chain, a node error with its details, or anything else by its first line.
 */

/** A problem the app itself found before asking the wallet (no wallet, wrong chain). */
export class WalletProblem extends Error {
  override name = 'WalletProblem';
}

type ApiErrorShape = { message: string; code: string; status: number; details: readonly string[] };

export type Described = { title: string; details: string[] };

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && chain.length < 8) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
};

const codeOf = (e: unknown) => (e as { code?: unknown })?.code;
const nameOf = (e: unknown) => (e as { name?: unknown })?.name;

export function describeError(error: unknown): Described {
  const chain = causes(error);
  if (chain.some((e) => codeOf(e) === 4001 || nameOf(e) === 'UserRejectedRequestError')) {
    return {
      title: 'You declined the request in your wallet.',
      details: ['Nothing was signed or sent. Try again when you are ready to approve it.'],
    };
  }
  const mismatch = chain.find((e) => nameOf(e) === 'ChainMismatchError');
  if (mismatch) {
    return {
      title: 'Your wallet is on another network.',
      details: ['Switch your wallet to this node’s chain (the banner at the top offers it), then try again.'],
    };
  }
  // The SDK's TributaryApiError, recognized by shape so the shell does not load the SDK.
  const api = chain.find((e) => nameOf(e) === 'TributaryApiError') as ApiErrorShape | undefined;
  if (api) return { title: api.message, details: [...api.details, `(${api.code}, HTTP ${api.status})`] };
  const first = chain[0];
  if (first instanceof WalletProblem) return { title: first.message, details: [] };
  const short = (first as { shortMessage?: string })?.shortMessage;
  const message = short ?? (first instanceof Error ? first.message : String(first));
  return { title: message.split('\n')[0] ?? 'Something went wrong.', details: [] };
}
