/**
 * Customers' QR codes carry a token of their own (src/shared/qrToken.ts), digested like codes:
 * parcels and returns keep its digest beside the code's.
 */
export const up = `
ALTER TABLE parcels ADD COLUMN qr_digest TEXT;
ALTER TABLE returns ADD COLUMN qr_digest TEXT;
`;
