/**
 * What each locker can still promise per size, as a table the triggers below keep in the same
 * transaction as every change that moves it, instead of recomputed from every compartment, the
 * state snapshot's JSON and the open allocations on each request. For that, what the latest state
 * snapshot says of each compartment is kept beside what the events say, and which of the two
 * counts (the later seq) is a column.
 */
export const up = `
ALTER TABLE compartments ADD COLUMN snapshot_seq INTEGER;
ALTER TABLE compartments ADD COLUMN snapshot_state TEXT
  CHECK (snapshot_state IN ('available','reserved','occupied','out_of_service'));
ALTER TABLE compartments ADD COLUMN snapshot_door_open INTEGER
  CHECK (snapshot_door_open IN (0,1));
-- 1 when it can take a parcel (available, door not open): by the snapshot when the snapshot lists
-- it and is at least as new as the event that last changed it, else by the events.
ALTER TABLE compartments ADD COLUMN free INTEGER GENERATED ALWAYS AS (
  CASE WHEN snapshot_seq IS NOT NULL AND snapshot_seq >= state_seq
    THEN snapshot_state IS 'available' AND snapshot_door_open IS NOT 1
    ELSE state = 'available' AND door_open IS NOT 1 END) VIRTUAL;

UPDATE compartments AS c
SET snapshot_seq = l.snapshot_seq,
    snapshot_state = s.value ->> '$.state',
    snapshot_door_open = s.value ->> '$.doorOpen'
FROM lockers AS l, json_each(l.snapshot, '$.compartments') AS s
WHERE l.id = c.locker_id AND c.id = s.value ->> '$.id';

-- free: compartments that can take a parcel; promised: expected parcels and returns holding one.
CREATE TABLE capacity (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  free INTEGER NOT NULL DEFAULT 0,
  promised INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (locker_id, size)
) STRICT, WITHOUT ROWID;

INSERT INTO capacity (locker_id, size, free)
SELECT locker_id, size, SUM(free) FROM compartments WHERE true GROUP BY locker_id, size;
INSERT INTO capacity (locker_id, size, promised)
SELECT locker_id, size, COUNT(*) FROM (
  SELECT locker_id, size FROM parcels WHERE state = 'expected' AND size IS NOT NULL
  UNION ALL
  SELECT locker_id, size FROM returns WHERE state = 'expected')
WHERE true GROUP BY locker_id, size
ON CONFLICT DO UPDATE SET promised = excluded.promised;

CREATE TRIGGER capacity_compartment_added AFTER INSERT ON compartments BEGIN
  INSERT INTO capacity (locker_id, size, free) VALUES (NEW.locker_id, NEW.size, NEW.free)
  ON CONFLICT DO UPDATE SET free = free + excluded.free;
END;
CREATE TRIGGER capacity_compartment_changed AFTER UPDATE ON compartments
WHEN OLD.free IS NOT NEW.free OR OLD.size IS NOT NEW.size OR OLD.locker_id IS NOT NEW.locker_id
BEGIN
  UPDATE capacity SET free = free - OLD.free WHERE locker_id = OLD.locker_id AND size = OLD.size;
  INSERT INTO capacity (locker_id, size, free) VALUES (NEW.locker_id, NEW.size, NEW.free)
  ON CONFLICT DO UPDATE SET free = free + excluded.free;
END;
CREATE TRIGGER capacity_compartment_removed AFTER DELETE ON compartments BEGIN
  UPDATE capacity SET free = free - OLD.free WHERE locker_id = OLD.locker_id AND size = OLD.size;
END;

CREATE TRIGGER capacity_parcel_added AFTER INSERT ON parcels
WHEN NEW.state = 'expected' AND NEW.size IS NOT NULL BEGIN
  INSERT INTO capacity (locker_id, size, promised) VALUES (NEW.locker_id, NEW.size, 1)
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_parcel_changed AFTER UPDATE OF state, size, locker_id ON parcels
WHEN (OLD.state = 'expected' AND OLD.size IS NOT NULL) IS NOT
       (NEW.state = 'expected' AND NEW.size IS NOT NULL)
  OR (OLD.state = 'expected' AND OLD.size IS NOT NULL
      AND (OLD.size IS NOT NEW.size OR OLD.locker_id IS NOT NEW.locker_id))
BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE OLD.state = 'expected' AND locker_id = OLD.locker_id AND size = OLD.size;
  INSERT INTO capacity (locker_id, size, promised)
  SELECT NEW.locker_id, NEW.size, 1 WHERE NEW.state = 'expected' AND NEW.size IS NOT NULL
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_parcel_removed AFTER DELETE ON parcels
WHEN OLD.state = 'expected' AND OLD.size IS NOT NULL BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE locker_id = OLD.locker_id AND size = OLD.size;
END;

CREATE TRIGGER capacity_return_added AFTER INSERT ON returns
WHEN NEW.state = 'expected' BEGIN
  INSERT INTO capacity (locker_id, size, promised) VALUES (NEW.locker_id, NEW.size, 1)
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_return_changed AFTER UPDATE OF state, size, locker_id ON returns
WHEN (OLD.state = 'expected') IS NOT (NEW.state = 'expected')
  OR (OLD.state = 'expected' AND (OLD.size IS NOT NEW.size OR OLD.locker_id IS NOT NEW.locker_id))
BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE OLD.state = 'expected' AND locker_id = OLD.locker_id AND size = OLD.size;
  INSERT INTO capacity (locker_id, size, promised)
  SELECT NEW.locker_id, NEW.size, 1 WHERE NEW.state = 'expected'
  ON CONFLICT DO UPDATE SET promised = promised + 1;
END;
CREATE TRIGGER capacity_return_removed AFTER DELETE ON returns
WHEN OLD.state = 'expected' BEGIN
  UPDATE capacity SET promised = promised - 1
  WHERE locker_id = OLD.locker_id AND size = OLD.size;
END;

-- A code must be unique among the locker's active codes: found by digest, not by a scan.
CREATE INDEX parcels_by_code ON parcels (locker_id, code_digest) WHERE code_digest IS NOT NULL;
CREATE INDEX returns_by_code ON returns (locker_id, code_digest);
`;
