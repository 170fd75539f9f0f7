/** Amounts, addresses and times as people read them. */
import { formatUnits } from 'viem';

/** Token base units (18 decimals) as TRIB with at most 6 decimals (3 significant digits below that), e.g. "1,234.5 TRIB". */
export function formatTrib(value: string | bigint, { unit = true }: { unit?: boolean } = {}): string {
  const text = formatUnits(BigInt(value), 18);
  const [whole, fraction = ''] = text.split('.');
  const grouped = BigInt(whole!).toLocaleString('en-US');
  // Small amounts (per-call fees are often far below a TRIB) keep three significant digits.
  const first = fraction.search(/[1-9]/);
  const digits = whole === '0' && first >= 6 ? first + 3 : 6;
  const trimmed = fraction.slice(0, digits).replace(/0+$/, '');
  return `${trimmed ? `${grouped}.${trimmed}` : grouped}${unit ? ' TRIB' : ''}`;
}

/** TRIB as a number for charts (precision is not needed there). */
export const tribNumber = (value: string | bigint) => Number(formatUnits(BigInt(value), 18));

export const shortHex = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex);

export const ppmPercent = (ppm: number) => `${(ppm / 10_000).toFixed(ppm % 10_000 === 0 ? 0 : 2)}%`;

export const bpsPercent = (bps: number) => `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;

export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC';
}
