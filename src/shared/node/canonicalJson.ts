/** RFC 8785 (JCS) canonical JSON: the one byte form that the device signs and the cloud checks. */
import canonicalize from 'canonicalize';

/** Canonical JSON text of a JSON value; throws on values JSON cannot carry (a bug upstream). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON representation');
  return text;
}

/**
 * Canonical JSON text, or undefined when the value has none: JSON text may carry a lone
 * surrogate (`"\ud800"`) that RFC 8785 cannot encode. A signer canonicalizes before it signs,
 * so a message without a canonical form was signed by nobody: checks refuse it, never throw.
 */
export function tryCanonicalJson(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch {
    return undefined;
  }
}
