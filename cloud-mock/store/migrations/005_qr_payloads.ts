/**
 * The QR payload issued with each pickup and return code (src/shared/qrToken.ts), kept like the
 * code until the customer is told. Rows from before it were issued no QR and keep none.
 */
export const up = `
ALTER TABLE parcels ADD COLUMN qr_payload TEXT
  CHECK (qr_payload IS NULL OR (qr_payload GLOB 'LKP2:*' AND length(qr_payload) = 27));
ALTER TABLE returns ADD COLUMN qr_payload TEXT
  CHECK (qr_payload IS NULL OR (qr_payload GLOB 'LKR2:*' AND length(qr_payload) = 27));
`;
