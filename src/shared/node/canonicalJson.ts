/** RFC 8785 (JCS) canonical JSON: the one byte form that the device signs and the cloud checks. */
import canonicalize from 'canonicalize';

/** Canonical JSON text of a JSON value; throws on values JSON cannot carry (a bug upstream). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
}
