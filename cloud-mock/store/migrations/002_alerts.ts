/** Operator alerts: what a locker's door and item sensors reported that staff must act on. */
export const up = `
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  compartment_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN
    ('jammed','opened_unexpectedly','outcome_unknown','inspection','foreign_item')),
  detail TEXT NOT NULL,
  -- The event that raised it, and that event's time on the unit.
  seq INTEGER NOT NULL,
  raised_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  -- Set once the locker reports what ends it: back in service, or the door closed.
  cleared_at INTEGER,
  cleared_seq INTEGER,
  cleared_reason TEXT,
  UNIQUE (locker_id, seq)
) STRICT;
CREATE INDEX alerts_open ON alerts (locker_id, compartment_id) WHERE cleared_at IS NULL;
`;
