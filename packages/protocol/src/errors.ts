/**
 * The base error of every Tributary package: a short message, detail lines, a machine-readable
 * `code` and an optional `cause`. Subclasses fix `name` and `code`; the node maps codes to HTTP
 * statuses.
 *
 * @example
 * throw new TributaryError({ code: 'CONFIG_INVALID', message: 'RPC_URL is not a URL', details: ['got: foo'] });
 */
export class TributaryError extends Error {
  override name = 'TributaryError';
  readonly code: string;
  readonly details: readonly string[];

  constructor(parameters: TributaryErrorParameters) {
    super(parameters.message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.code = parameters.code;
    this.details = parameters.details ?? [];
  }

  /** The message followed by its detail lines, for terminals and logs. */
  describe(): string {
    return [this.message, ...this.details.map((line) => `  ${line}`)].join('\n');
  }
}

export type TributaryErrorParameters = {
  code: string;
  message: string;
  details?: readonly string[];
  cause?: unknown;
};

/** Thrown when a deployment cannot proceed (wrong chain, missing artifact, failed transaction). */
export class DeploymentError extends TributaryError {
  override name = 'DeploymentError';
}
