/**
 * Door operations keep their phase (DESIGN §3: recorded → pulsed → opened, or unknown): a
 * timeout is not "did not open", so the record must say what is known about the door. `ending`
 * remembers a "doesn't fit" said while the door was open; `inspecting` that this operation put
 * its compartment in inspection, so a known outcome can bring it back.
 */
export const up = `
ALTER TABLE door_operations ADD COLUMN phase TEXT NOT NULL DEFAULT 'recorded'
  CHECK (phase IN ('recorded','pulsed','unknown','opened','awaiting_confirmation'));
ALTER TABLE door_operations ADD COLUMN phase_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE door_operations ADD COLUMN ending TEXT CHECK (ending IN ('doesnt_fit'));
ALTER TABLE door_operations ADD COLUMN inspecting INTEGER NOT NULL DEFAULT 0 CHECK (inspecting IN (0,1));
UPDATE door_operations SET phase = 'opened', phase_at = door_opened_at WHERE door_opened_at IS NOT NULL;
UPDATE door_operations SET phase_at = started_at WHERE door_opened_at IS NULL;
`;
