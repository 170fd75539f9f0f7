/**
 * Exit codes, and turning any error into what the user sees: a code, a message, detail lines,
 * the URL involved and a hint of what to do — printed in red, or as JSON with --json.
 */

/** The exit codes of every command (documented in docs/cli.md and in `tributary --help`). */
export const ExitCode = {
  ok: 0,
  /** A check ran and found problems (verify-*, lineage --check). */
  checkFailed: 1,
  /** Bad or missing arguments or configuration. */
  usage: 2,
  /** A node or the chain's RPC could not be reached. */
  unreachable: 3,
  /** A node or the chain answered with a refusal (HTTP error, reverted transaction). */
  refused: 4,
  /** Anything else. */
  failed: 5,
} as const;

export const exitCodeHelp =
  'Exit codes: 0 ok · 1 a check failed · 2 bad arguments · 3 node or chain unreachable · 4 refused by the node or chain · 5 other failure';

/** A wrong or missing argument. (Not a TributaryError: this module loads before any package.) */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
  readonly details: readonly string[] = [];
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** An error as the CLI reports it. */
export type Failure = {
  code: string;
  message: string;
  details: string[];
  url?: string;
  hint?: string;
  exitCode: number;
};

type ErrorLike = {
  name?: string;
  code?: unknown;
  message?: string;
  shortMessage?: string;
  details?: unknown;
  url?: string;
  status?: number;
  hint?: string;
  cause?: unknown;
  address?: string;
  port?: number;
  hostname?: string;
};

type RevertLike = ErrorLike & { data?: { errorName: string; args?: readonly unknown[] } };

/** What to do about the reverts an operator or user meets most. */
const REVERT_HINTS: Record<string, string> = {
  NodeUnstakeLocked:
    'the unstake delay is not over (or nothing is unstaking): `tributary node status` shows when',
  NodeInsufficientStake: '`tributary node status` shows the stake',
  NodeUnknown: 'register first: `tributary node register`',
  NodeAlreadyRegistered: '`tributary node register` updates a registered node',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** The error and its causes, outermost first. */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current = error as ErrorLike | undefined;
  while (current && typeof current === 'object' && out.length < 10) {
    out.push(current);
    current = current.cause as ErrorLike | undefined;
  }
  return out;
}

const detailsOf = (e: ErrorLike): string[] =>
  Array.isArray(e.details) ? e.details.map(String) : typeof e.details === 'string' ? [e.details] : [];

/** Classifies an error for the exit code, and keeps the URL and a hint. */
export function describeFailure(error: unknown): Failure {
  const errors = chain(error);
  const top = errors[0] ?? { message: String(error) };

  if (error instanceof UsageError) {
    return {
      code: 'USAGE',
      message: error.message,
      details: [],
      exitCode: ExitCode.usage,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  // A file named on the command line that cannot be read.
  if (
    (top.code === 'ENOENT' || top.code === 'EACCES') &&
    typeof (top as { path?: unknown }).path === 'string'
  ) {
    return {
      code: 'USAGE',
      message: `cannot read ${(top as { path: string }).path} (${top.code})`,
      details: [],
      exitCode: ExitCode.usage,
      hint: 'check the file name',
    };
  }
  // A command with its own grammar (`gov`, `dev time`): a wrong argument, or node:util's parser.
  if (top.code === 'USAGE' || (typeof top.code === 'string' && top.code.startsWith('ERR_PARSE_ARGS_'))) {
    return { ...fromTributary(top), code: 'USAGE', exitCode: ExitCode.usage };
  }
  if (top.code === 'CONFIG_INVALID') {
    return {
      ...fromTributary(top),
      exitCode: ExitCode.usage,
      hint: 'see `tributary node --help` for the settings',
    };
  }
  // The SDK names the node it could not reach.
  const unreachableNode = errors.find((e) => e.code === 'NODE_UNREACHABLE');
  if (unreachableNode) {
    return {
      ...fromTributary(unreachableNode),
      exitCode: ExitCode.unreachable,
      hint: 'is the node running at that URL? `tributary node status` shows the endpoint a node registered',
    };
  }
  // viem: the chain's RPC did not answer.
  const rpc = errors.find((e) => e.name === 'HttpRequestError' || e.name === 'TimeoutError');
  if (rpc) {
    const reason = errors.find((e) => typeof e.code === 'string' && NETWORK_CODES.has(e.code));
    return {
      code: 'RPC_UNREACHABLE',
      message: `could not reach the chain's RPC${rpc.url ? ` at ${rpc.url}` : ''}`,
      details: reason ? [`${reason.code}: ${reason.message ?? ''}`.trim()] : detailsOf(rpc),
      ...(rpc.url ? { url: rpc.url } : {}),
      exitCode: ExitCode.unreachable,
      hint: 'is the chain running? pass --rpc URL (or set RPC_URL)',
    };
  }
  // A bare `fetch failed` from code that does not wrap it: undici's cause still names the host.
  const socket = errors.find((e) => typeof e.code === 'string' && NETWORK_CODES.has(e.code));
  if (socket) {
    const where = socket.address
      ? `${socket.address}${socket.port ? `:${socket.port}` : ''}`
      : socket.hostname;
    return {
      code: 'UNREACHABLE',
      message: `could not reach ${where ?? 'a server'} (${top.message ?? socket.code})`,
      details: [`${socket.code}: ${socket.message ?? ''}`.trim()],
      ...(where ? { url: where } : {}),
      exitCode: ExitCode.unreachable,
      hint: 'check the URL and that the node or chain is running',
    };
  }
  // A node answered with an error.
  if (typeof top.status === 'number') {
    return {
      ...fromTributary(top),
      exitCode: ExitCode.refused,
      hint: top.status >= 500 ? 'the node failed: its logs say more' : 'the node refused the request as sent',
    };
  }
  // The chain refused a transaction or a call (viem decodes the custom error).
  const revert = errors.find((e) => e.name === 'ContractFunctionRevertedError') as RevertLike | undefined;
  if (revert || /transaction 0x[0-9a-f]+ reverted/.test(top.message ?? '')) {
    const decoded = revert?.data
      ? `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})`
      : undefined;
    const hint = revert?.data ? REVERT_HINTS[revert.data.errorName] : undefined;
    return {
      code: 'CHAIN_REVERTED',
      message: `${((revert ?? top).shortMessage ?? top.message ?? 'the transaction reverted').replace(/\.$/, '')}${decoded ? `: ${decoded}` : ''}`,
      details: [],
      exitCode: ExitCode.refused,
      ...(hint ? { hint } : {}),
    };
  }
  // A governance step that is not open yet: the chain would revert it.
  if (top.name === 'GovernanceError') {
    return { ...fromTributary(top), exitCode: ExitCode.refused };
  }
  // Tributary's errors carry a code and detail lines.
  if (typeof top.code === 'string') return { ...fromTributary(top), exitCode: ExitCode.failed };
  return {
    code: 'FAILED',
    message: top.shortMessage ?? top.message ?? String(error),
    details: [],
    exitCode: ExitCode.failed,
  };
}

function fromTributary(e: ErrorLike): Omit<Failure, 'exitCode'> {
  return {
    code: String(e.code ?? 'FAILED'),
    message: e.message ?? 'failed',
    details: detailsOf(e),
    ...(e.url ? { url: e.url } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
  };
}
