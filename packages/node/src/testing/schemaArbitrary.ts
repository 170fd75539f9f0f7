/**
 * fast-check arbitraries from JSON Schema (as the OpenAPI document holds it): values that follow
 * the schema, and — mixed in — values that bend or break it (wrong types, huge numbers, control
 * characters, prototype names, deep nesting), for fuzzing every route from its declaration.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Strings that have broken parsers, databases and lookups before. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '01',
  '1.5',
  '1e3',
  '2147483648',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '9'.repeat(80),
  'abc',
  'null',
  'undefined',
  'NaN',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  '\u0000',
  'a\u0000b',
  'line\r\nbreak',
  '\ud800',
  '../../etc/passwd',
  '%00',
  "'; drop table receipts; --",
  '0x',
  `0x${'f'.repeat(64)}`,
  `0x${'0'.repeat(40)}`,
  'x'.repeat(5_000),
  '2020-02-30T00:00:00Z',
  '🦀'.repeat(50),
];

const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    -1,
    0,
    1.5,
    2 ** 31,
    2 ** 53,
    2 ** 64,
    1e308,
    -1e308,
    [],
    {},
    { __proto__: { polluted: true } },
    JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}'),
  ),
  fc.constantFrom(...NASTY_STRINGS),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An arbitrary for `schema`; `mutate` is the probability (0–1) that a node is replaced by something off-schema. */
export function fromSchema(
  schema: Schema,
  components: Record<string, Schema>,
  mutate = 0.1,
  depth = 0,
): fc.Arbitrary<unknown> {
  let exact = exactFromSchema(schema, components, mutate, depth);
  // A declared example is a valid value: it gets requests past shape checks to the deeper ones.
  if (schema.example !== undefined) exact = fc.oneof(fc.constant(schema.example), exact);
  if (mutate <= 0) return exact;
  const weight = Math.max(1, Math.round(mutate * 100));
  return fc.oneof({ arbitrary: exact, weight: 100 - weight }, { arbitrary: nastyJson, weight });
}

function exactFromSchema(
  schema: Schema,
  components: Record<string, Schema>,
  mutate: number,
  depth: number,
): fc.Arbitrary<unknown> {
  const next = (s: unknown) => fromSchema((s ?? {}) as Schema, components, mutate, depth + 1);
  if (typeof schema.$ref === 'string') {
    return next(components[schema.$ref.replace('#/components/schemas/', '')]);
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) return fc.oneof(...(schema[key] as Schema[]).map(next));
  }
  if (Array.isArray(schema.allOf)) return next((schema.allOf as Schema[])[0]);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : schema.type;
  if (depth > 6) return fc.constant(null);
  switch (type) {
    case 'string':
      return stringFrom(schema);
    case 'integer':
      return fc.integer({
        min: Math.max(Number(schema.minimum ?? -(2 ** 31)), -(2 ** 31)),
        max: Math.min(Number(schema.maximum ?? 2 ** 31), 2 ** 31),
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(next(schema.items), { maxLength: Math.min(Number(schema.maxItems ?? 4), 4) });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = next(property);
      const known = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      if (Object.keys(properties).length > 0) return known;
      return fc.dictionary(fc.string({ maxLength: 8 }), next(schema.additionalProperties), { maxKeys: 3 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFrom(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 2_000);
    } catch {
      // A pattern fast-check cannot generate from: plain strings instead.
    }
  }
  return fc.string({
    unit: 'grapheme',
    minLength: Number(schema.minLength ?? 0),
    maxLength: Math.min(Number(schema.maxLength ?? 40), 40),
  });
}
