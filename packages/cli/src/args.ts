/**
 * Turning option strings into values, with a usage error (exit 2) that names the option. Kept
 * free of heavy imports: specs use it before any command's code loads.
 */
import type { Address, Hex } from 'viem';
import { UsageError } from './failure.js';

/** A port number, or undefined when the option was not given. */
export function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new UsageError(`${flag} must be a port number, got ${value}`);
  return n;
}

/** A non-negative integer (ids, epochs, versions). */
export function parseInteger(value: string, flag: string): bigint {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got ${value}`);
  return BigInt(value);
}

/** A token amount in TRIB (decimal, 18 decimals) → base units. */
export function parseTokens(value: string, flag: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value);
  if (!match) throw new UsageError(`${flag} must be an amount of TRIB like 1000 or 0.5, got ${value}`);
  return BigInt(match[1]!) * 10n ** 18n + BigInt((match[2] ?? '').padEnd(18, '0'));
}

/** A 32-byte private key. */
export function parseKey(value: string, flag: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new UsageError(`${flag} must be a private key (0x and 64 hex digits)`);
  }
  return value as Hex;
}

/** A receipt's commitment salt (the answer's `attribution.prompt_salt`: 32 bytes). */
export function parseSalt(value: string, flag: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new UsageError(
      `${flag} must be a salt (0x and 64 hex digits), got ${value}`,
      "copy it from the answer's attribution.prompt_salt (or GET /v1/receipts/<id> with your API key)",
    );
  }
  return value as Hex;
}

/** An address (0x and 40 hex digits, any case). */
export function parseAddress(value: string, flag: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new UsageError(`${flag} must be an address, got ${value}`);
  return value as Address;
}

/** An http(s) URL without a trailing slash. */
export function parseUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be a URL like http://127.0.0.1:8787, got ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} must be an http(s) URL, got ${value}`);
  }
  return value.replace(/\/$/, '');
}

/** Parses an option only when it was given. */
export const optional = <T>(
  parse: (value: string, flag: string) => T,
  value: string | undefined,
  flag: string,
): T | undefined => (value === undefined ? undefined : parse(value, flag));
