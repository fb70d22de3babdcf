/**
 * What a customer's QR code carries (DESIGN §8): a high-entropy token, not the keypad code, so
 * scanning is outside the keypad throttle. Pickup and return tokens are told apart by their
 * prefix wherever they are scanned. The token travels to the unit only as HMAC-SHA256 of the
 * whole payload under the code-digest key (the prefix is part of what is digested, so a pickup
 * token can never match a return). Pure: the random bytes and the HMAC come from the caller.
 */

export type QrKind = 'pickup' | 'return';

/** 16 random bytes (128 bits) as base64url without padding: 22 characters. */
export const QR_TOKEN_BYTES = 16;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export const QR_PREFIX: Record<QrKind, string> = { pickup: 'LKP2:', return: 'LKR2:' };

/** The payload printed in the QR code. */
export function qrPayload(kind: QrKind, token: string): string {
  if (!TOKEN.test(token)) throw new TypeError('a QR token is 22 base64url characters');
  return `${QR_PREFIX[kind]}${token}`;
}

export type ScannedQr =
  /** A token QR of either kind: the whole payload is what gets digested. */
  | { kind: QrKind; payload: string }
  /** An older QR that carries the keypad code itself (`LKP1:123456`): keypad rules apply. */
  | { kind: 'keypad_code'; code: string };

/** What a scanned text is, or null when it is no customer QR at all. */
export function readQr(text: string): ScannedQr | null {
  const t = text.trim();
  for (const kind of ['pickup', 'return'] as const) {
    const prefix = QR_PREFIX[kind];
    if (t.startsWith(prefix) && TOKEN.test(t.slice(prefix.length))) return { kind, payload: t };
  }
  const legacy = /^LKP1:([0-9]{6,10})$/.exec(t);
  return legacy ? { kind: 'keypad_code', code: legacy[1]! } : null;
}
