/**
 * A typed code or scanned token is found by its digest instead of reading and comparing every
 * parcel and return. The digest is an HMAC under the unit's secret code key, so where a lookup
 * lands in these indexes says nothing about how close a guess came to a real code.
 */
export const up = `
CREATE INDEX parcels_by_code_digest ON parcels (code_digest) WHERE code_digest IS NOT NULL;
CREATE INDEX parcels_by_qr_digest ON parcels (qr_digest) WHERE qr_digest IS NOT NULL;
CREATE INDEX returns_by_code_digest ON returns (code_digest);
CREATE INDEX returns_by_qr_digest ON returns (qr_digest) WHERE qr_digest IS NOT NULL;
`;
