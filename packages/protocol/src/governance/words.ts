/**
 * Plain words for what proposals move: token amounts, shares in basis points, durations,
 * addresses and the short reasons governance records on-chain (bytes32).
 */
import { type Address, formatUnits, type Hex, hexToString, isHex, stringToHex } from 'viem';

/** The governance token's symbol, as proposals show amounts. */
export const TOKEN_SYMBOL = 'TRIB';

/** `1234500000000000000000n` → "1,234.5 TRIB". */
export function formatTokens(amount: bigint): string {
  const [whole, fraction] = formatUnits(amount, 18).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction ? `.${fraction}` : ''} ${TOKEN_SYMBOL}`;
}

/** `450` → "4.5%". */
export const formatBps = (bps: bigint | number): string => `${Number(bps) / 100}%`;

const UNITS: [number, string][] = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** `5400` → "1 hour 30 minutes" (the two largest units). */
export function formatDuration(seconds: bigint | number): string {
  let rest = Number(seconds);
  if (rest === 0) return '0 seconds';
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.join(' ');
}

/** `0xAbC…` → "0xAbC1…9f2E". */
export const shortAddress = (address: Address): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** A short reason as the bytes32 the contracts record (UTF-8, at most 32 bytes). */
export function reasonToBytes32(reason: string): Hex {
  if (new TextEncoder().encode(reason).length > 32) {
    throw new RangeError(`a reason is at most 32 bytes, got "${reason}"`);
  }
  return stringToHex(reason, { size: 32 });
}

/** The reason a bytes32 carries (its text, or the hex when it is not text). */
export function reasonFromBytes32(value: Hex): string {
  if (!isHex(value) || /^0x0*$/.test(value)) return '';
  const text = hexToString(value, { size: 32 }).replace(/\0+$/, '');
  return /^[\p{L}\p{N}\p{P}\p{Zs}]*$/u.test(text) ? text : value;
}
