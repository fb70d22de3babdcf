/**
 * Alerts about the whole locker and the cloud's own observations (throttle engaged, a sustained
 * rate of wrong codes, hardware fault, clock skew, chain break, offline too long), and the
 * indexes a fleet of 10,000 lockers needs: search by position, the scheduler's due work by due
 * time, offline lockers by how long.
 */
export const up = `
CREATE TABLE alerts_13 (
  id INTEGER PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  -- Null: the whole locker.
  compartment_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN
    ('jammed','opened_unexpectedly','outcome_unknown','inspection','foreign_item',
     'throttled','code_rejections','hardware_fault','clock_skew','chain_break','offline',
     'storage_low')),
  detail TEXT NOT NULL,
  -- The event that raised it; null when the cloud raised it from what it saw itself.
  seq INTEGER,
  raised_at INTEGER NOT NULL,
  -- When it ends unless renewed (a throttle's end, a quiet period): the scheduler clears it then.
  ends_at INTEGER,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  cleared_at INTEGER,
  cleared_seq INTEGER,
  cleared_reason TEXT,
  UNIQUE (locker_id, seq)
) STRICT;
INSERT INTO alerts_13 (id, locker_id, compartment_id, kind, detail, seq, raised_at,
    acknowledged_at, acknowledged_by, cleared_at, cleared_seq, cleared_reason)
  SELECT id, locker_id, compartment_id, kind, detail, seq, raised_at,
    acknowledged_at, acknowledged_by, cleared_at, cleared_seq, cleared_reason FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_13 RENAME TO alerts;
CREATE INDEX alerts_open ON alerts (locker_id, compartment_id) WHERE cleared_at IS NULL;
CREATE INDEX alerts_by_locker ON alerts (locker_id, id);
-- One open alert of a kind per locker for the locker-wide kinds: a repeat renews it.
CREATE UNIQUE INDEX alerts_open_locker_wide ON alerts (locker_id, kind)
  WHERE cleared_at IS NULL AND compartment_id IS NULL;
CREATE INDEX alerts_ending ON alerts (ends_at) WHERE cleared_at IS NULL AND ends_at IS NOT NULL;

-- Wrong codes of the last window per locker, by the unit's clock: the rate that raises an alert.
CREATE TABLE code_rejections (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (locker_id, at, seq)
) STRICT, WITHOUT ROWID;

-- Search near a point: a box on latitude, then longitude, read from the index alone.
CREATE INDEX lockers_by_position ON lockers (lat, lng, id);
-- A locker's latest chain break, read at each new one.
CREATE INDEX chain_breaks_by_locker ON chain_breaks (locker_id, id);
-- Offline lockers by how long.
CREATE INDEX lockers_by_presence ON lockers (presence, presence_at);

-- The scheduler's due work, each by its due time, so a pass reads only what is due.
ALTER TABLE parcels ADD COLUMN reminded_at INTEGER;
ALTER TABLE parcels ADD COLUMN warned_expiry INTEGER;
UPDATE parcels SET reminded_at = (SELECT n.created_at FROM notifications n
  WHERE n.dedupe_key = parcels.allocation_id || ':reminder');
UPDATE parcels SET warned_expiry = expires_at WHERE EXISTS (SELECT 1 FROM notifications n
  WHERE n.dedupe_key = parcels.allocation_id || ':expiry_warning:' || parcels.expires_at);
CREATE INDEX parcels_lapse_due ON parcels (lapses_at) WHERE state = 'expected';
CREATE INDEX parcels_expiry_due ON parcels (expires_at) WHERE state = 'deposited';
CREATE INDEX parcels_reminder_due ON parcels (deposited_at)
  WHERE state = 'deposited' AND reminded_at IS NULL;
CREATE INDEX parcels_warning_due ON parcels (expires_at)
  WHERE state = 'deposited' AND warned_expiry IS NOT expires_at;
`;
