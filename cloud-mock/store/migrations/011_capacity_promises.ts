/**
 * Capacity is let go only when the unit confirms: a cancelled or lapsed parcel or return keeps
 * its compartment promised (`release_pending`) until the unit answers the cancel; returns can
 * be cancelled and lapse; what the locker refused is kept for the merchant to see; a parcel
 * deposited at another locker names it; commands are resent on a timer with backoff
 * (`next_send_at`, `send_attempts`), and a refused one can be undone (`undo`).
 */
export const up = `
ALTER TABLE parcels ADD COLUMN release_pending TEXT CHECK (release_pending IN ('cancel','lapse'));
ALTER TABLE parcels ADD COLUMN locker_refusal TEXT;
ALTER TABLE parcels ADD COLUMN misdelivered_to TEXT;
-- Covering, in the order placement groups them (services/placement.ts): no table row is read.
CREATE INDEX parcels_holding
  ON parcels (locker_id, size, length_mm, width_mm, height_mm, weight_g)
  WHERE size IS NOT NULL AND (state = 'expected' OR release_pending IS NOT NULL);
CREATE INDEX compartments_free_shapes
  ON compartments (locker_id, free, size, length_mm, width_mm, height_mm, max_weight_g);
CREATE INDEX parcels_expected_by_barcode ON parcels (tracking_barcode) WHERE state = 'expected';

ALTER TABLE commands ADD COLUMN next_send_at INTEGER;
ALTER TABLE commands ADD COLUMN send_attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE commands ADD COLUMN undo TEXT;
UPDATE commands SET next_send_at = issued_at WHERE status = 'pending';
CREATE INDEX commands_due ON commands (next_send_at) WHERE status = 'pending';

-- Returns gain 'cancelled' (a CHECK cannot be altered: the table is rebuilt), a lapse time and
-- the same release and refusal columns as parcels.
CREATE TABLE returns_v11 (
  return_id TEXT PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  state TEXT NOT NULL CHECK (state IN ('expected','deposited','collected','cancelled')),
  customer TEXT NOT NULL,
  return_code TEXT,
  code_digest TEXT NOT NULL,
  compartment_id TEXT,
  created_at INTEGER NOT NULL,
  closed_at INTEGER,
  qr_payload TEXT,
  lapses_at INTEGER NOT NULL,
  release_pending TEXT CHECK (release_pending IN ('cancel','lapse')),
  locker_refusal TEXT
) STRICT;
INSERT INTO returns_v11 (return_id, locker_id, size, state, customer, return_code, code_digest,
  compartment_id, created_at, closed_at, qr_payload, lapses_at)
SELECT return_id, locker_id, size, state, customer, return_code, code_digest, compartment_id,
  created_at, closed_at, qr_payload, created_at + 7 * 86400000 FROM returns;
DROP TABLE returns;
ALTER TABLE returns_v11 RENAME TO returns;
CREATE INDEX returns_by_state ON returns (state, locker_id);
CREATE INDEX returns_by_code ON returns (locker_id, code_digest);
CREATE INDEX returns_lapsing ON returns (lapses_at) WHERE state = 'expected';
CREATE INDEX returns_holding ON returns (locker_id)
  WHERE state = 'expected' OR release_pending IS NOT NULL;

-- What holds a compartment: an expected parcel or return, or one whose cancel or lapse the unit
-- has not confirmed yet.
DROP TRIGGER capacity_parcel_added;
DROP TRIGGER capacity_parcel_changed;
DROP TRIGGER capacity_parcel_removed;

CREATE TRIGGER capacity_parcel_added AFTER INSERT ON parcels
WHEN NEW.size IS NOT NULL AND (NEW.state = 'expected' OR NEW.release_pending IS NOT NULL) BEGIN
  INSERT INTO capacity (locker_id, size, promised) VALUES (NEW.locker_id, NEW.size, 1)
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_parcel_changed
AFTER UPDATE OF state, size, locker_id, release_pending ON parcels
WHEN (OLD.size IS NOT NULL AND (OLD.state = 'expected' OR OLD.release_pending IS NOT NULL))
  OR (NEW.size IS NOT NULL AND (NEW.state = 'expected' OR NEW.release_pending IS NOT NULL))
BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE OLD.size IS NOT NULL AND (OLD.state = 'expected' OR OLD.release_pending IS NOT NULL)
    AND locker_id = OLD.locker_id AND size = OLD.size;
  INSERT INTO capacity (locker_id, size, promised)
  SELECT NEW.locker_id, NEW.size, 1
  WHERE NEW.size IS NOT NULL AND (NEW.state = 'expected' OR NEW.release_pending IS NOT NULL)
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_parcel_removed AFTER DELETE ON parcels
WHEN OLD.size IS NOT NULL AND (OLD.state = 'expected' OR OLD.release_pending IS NOT NULL) BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE locker_id = OLD.locker_id AND size = OLD.size;
END;

CREATE TRIGGER capacity_return_added AFTER INSERT ON returns
WHEN NEW.state = 'expected' OR NEW.release_pending IS NOT NULL BEGIN
  INSERT INTO capacity (locker_id, size, promised) VALUES (NEW.locker_id, NEW.size, 1)
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_return_changed
AFTER UPDATE OF state, size, locker_id, release_pending ON returns
WHEN (OLD.state = 'expected' OR OLD.release_pending IS NOT NULL)
  OR (NEW.state = 'expected' OR NEW.release_pending IS NOT NULL)
BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE (OLD.state = 'expected' OR OLD.release_pending IS NOT NULL)
    AND locker_id = OLD.locker_id AND size = OLD.size;
  INSERT INTO capacity (locker_id, size, promised)
  SELECT NEW.locker_id, NEW.size, 1
  WHERE NEW.state = 'expected' OR NEW.release_pending IS NOT NULL
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_return_removed AFTER DELETE ON returns
WHEN OLD.state = 'expected' OR OLD.release_pending IS NOT NULL BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE locker_id = OLD.locker_id AND size = OLD.size;
END;
`;
