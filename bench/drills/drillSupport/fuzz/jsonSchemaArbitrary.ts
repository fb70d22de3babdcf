/**
 * Values that fit a JSON Schema (the subset the project's zod schemas produce: objects,
 * strings with pattern, format and length, numbers with bounds, enums, arrays), so a fuzzer can
 * reach past the schema check into what lies behind it. Optional fields come and go.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'email') return fc.emailAddress();
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const lengths = { minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) };
  if (s.pattern !== undefined) {
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((t) => t.length >= lengths.minLength && t.length <= (s.maxLength ?? Infinity));
  }
  // Any code point now and then, lone surrogates included: JSON text can carry them.
  return fc.oneof(
    { weight: 4, arbitrary: fc.string(lengths) },
    { weight: 1, arbitrary: fc.string({ ...lengths, unit: 'binary' }) },
  );
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low =
    s.minimum ??
    (s.exclusiveMinimum === undefined ? -1e6 : s.exclusiveMinimum + (integer ? 1 : 1e-6));
  const high =
    s.maximum ??
    (s.exclusiveMaximum === undefined ? 1e6 : s.exclusiveMaximum - (integer ? 1 : 1e-6));
  if (integer)
    return fc.integer({
      min: Math.ceil(low),
      max: Math.floor(Math.min(high, Number.MAX_SAFE_INTEGER)),
    });
  return fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
}

/** Values worth using for properties of these names (ids of things that exist), half the time. */
export type KnownValues = Record<string, readonly unknown[]>;

export function fromJsonSchema(s: JsonSchema, known: KnownValues = {}): fc.Arbitrary<unknown> {
  const recurse = (inner: JsonSchema) => fromJsonSchema(inner, known);
  if (s.enum !== undefined) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map(recurse));
  const type = Array.isArray(s.type) ? s.type : s.type === undefined ? undefined : [s.type];
  if (type !== undefined && type.length > 1)
    return fc.oneof(...type.map((t) => recurse({ ...s, type: t })));
  switch (type?.[0]) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const record = Object.fromEntries(
        props.map(([k, v]) => {
          const values = known[k];
          return [k, values ? fc.oneof(recurse(v), fc.constantFrom(...values)) : recurse(v)];
        }),
      );
      return fc.record(record, { requiredKeys: (s.required ?? []).filter((k) => k in record) });
    }
    case 'array':
      return fc.array(recurse(s.items ?? {}), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 5, 20),
      });
    case 'string':
      return stringOf(s);
    case 'integer':
      return numberOf(s, true);
    case 'number':
      return numberOf(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
