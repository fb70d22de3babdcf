/**
 * Each locker's code length, a policy the cloud holds per locker. Lockers from before it were
 * issued 6-digit codes (the cloud-wide length then), so that is what they keep.
 */
export const up = `
ALTER TABLE lockers ADD COLUMN code_length INTEGER NOT NULL DEFAULT 6
  CHECK (code_length BETWEEN 6 AND 10);
`;
