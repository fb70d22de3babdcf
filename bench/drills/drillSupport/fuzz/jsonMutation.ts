/**
 * Damaged JSON documents: a good one with fields replaced by values of the wrong kind, removed,
 * or joined by keys nobody expects (`__proto__` among them), as a careless or hostile sender
 * writes them.
 */
import fc from 'fast-check';

type Json = unknown;

interface Edit {
  where: number;
  op: 'replace' | 'delete' | 'add';
  key: string;
  value: Json;
}

const strangeKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'toString', 'sig', 'id'),
  fc.string({ maxLength: 12 }),
);

/** Values of every JSON kind, with the edge cases parsers trip on. */
export const awkwardValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    '',
    -1,
    0,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    '0x10',
    'NaN',
    [],
    {},
    '\u0000',
    '\ud800',
    'x'.repeat(5000),
    true,
  ),
);

const edit: fc.Arbitrary<Edit> = fc.record({
  where: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add'),
  key: strangeKeys,
  value: awkwardValue,
});

/** Every container in a document with the keys it holds, so an edit can pick one. */
function slots(doc: Json, out: [Record<string, Json> | Json[], string | number][] = []) {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push([doc, i]);
      slots(v, out);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      out.push([doc as Record<string, Json>, k]);
      slots(v, out);
    }
  }
  return out;
}

function apply(doc: Json, e: Edit): Json {
  const all = slots(doc);
  if (all.length === 0) return e.op === 'delete' ? doc : e.value;
  const [holder, key] = all[e.where % all.length]!;
  if (e.op === 'replace') (holder as Record<string | number, Json>)[key] = e.value;
  else if (e.op === 'delete') {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key as string];
  } else if (Array.isArray(holder)) holder.push(e.value);
  else
    Object.defineProperty(holder, e.key, {
      value: e.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return doc;
}

/** A good document with one to three edits. */
export function mutatedJson(good: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(good, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([doc, edits]) => {
    let out: Json = structuredClone(doc);
    for (const e of edits) out = apply(out, e);
    return out;
  });
}

/** Bytes as they may arrive: random, JSON with its text cut or flipped, or not UTF-8 at all. */
export function damagedText(good: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(good, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([text, at, byte]) => {
      const bytes = Buffer.from(text, 'utf8');
      const i = at % Math.max(1, bytes.length);
      return byte % 2 === 0
        ? Uint8Array.from(bytes.subarray(0, i))
        : Uint8Array.from(bytes.map((b, j) => (j === i ? byte : b)));
    }),
  );
}
