/**
 * Canonical JSON: object keys sorted at every level, no whitespace, undefined fields dropped,
 * bigints as decimal strings. Hashes of documents (metadata, manifests, receipts) are over these
 * bytes, so anyone re-encoding the same value gets the same hash.
 *
 * @example
 * canonicalJson({ b: 1, a: [2n, 'x'] }) // '{"a":["2","x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`canonicalJson: ${value} is not JSON`);
  return JSON.stringify(value);
}
