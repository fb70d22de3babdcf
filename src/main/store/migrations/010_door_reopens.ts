/**
 * A door operation counts the reopens a person asked for ("door didn't open" on a door read
 * shut gets one more pulse of the same door, core/doorRecovery.ts), so the limit survives a
 * restart. Operations recorded before have had none.
 */
export const up = `
ALTER TABLE door_operations ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0 CHECK (reopens >= 0);
`;
