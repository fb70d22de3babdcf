/**
 * Finds text that is not valid Unicode in a parsed JSON value: JSON's `\ud800` escapes can spell
 * a lone surrogate, which no canonical JSON (RFC 8785), and so no signed message, can carry.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/**
 * The path (keys from the root) of the first string or key holding a lone surrogate; a key's
 * path ends at the object that holds it. Undefined when all text is well formed.
 */
export function illFormedTextAt(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = illFormedTextAt(item, [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (hasLoneSurrogate(key)) return path;
    const found = illFormedTextAt(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
