/**
 * A return's short human reference, for the receipt and for couriers (issue 11): the return's
 * long id (a UUID nobody can read out or type) becomes `R-` and six characters of Crockford's
 * base32, which has no I, L, O or U to misread. Derived, not stored, so the kiosk and the cloud
 * compute the same one; 30 bits keep two returns in one locker apart (matches are only ever
 * looked for among the few a courier has open).
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 6;

/** FNV-1a over the id's UTF-16 code units: pure, fast, and well spread for short keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function returnReference(returnId: string): string {
  let value = fnv1a(returnId);
  let code = '';
  for (let i = 0; i < LENGTH; i++) {
    code = ALPHABET[value & 31]! + code;
    value >>>= 5;
  }
  return `R-${code}`;
}

/** What someone typed or scanned, as a reference: case, spaces and dashes do not matter. */
export function sameReference(input: string, reference: string): boolean {
  const plain = (s: string) => s.toUpperCase().replace(/[\s-]/g, '');
  return plain(input) === plain(reference);
}
