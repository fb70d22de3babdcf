/** The first schema: compartments, parcels, returns, open door operations, the event log. */
export const up = `
CREATE TABLE compartments (
  id TEXT PRIMARY KEY,
  board INTEGER NOT NULL,
  lock INTEGER NOT NULL,
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  length_mm INTEGER NOT NULL,
  width_mm INTEGER NOT NULL,
  height_mm INTEGER NOT NULL,
  max_weight_g INTEGER NOT NULL,
  lower_door INTEGER NOT NULL CHECK (lower_door IN (0,1)),
  state TEXT NOT NULL CHECK (state IN ('available','reserved','occupied','out_of_service')),
  out_of_service_reason TEXT,
  door_open INTEGER CHECK (door_open IN (0,1)),
  item_present INTEGER CHECK (item_present IN (0,1)),
  last_used_at INTEGER,
  UNIQUE (board, lock)
) STRICT;

CREATE TABLE parcels (
  id TEXT PRIMARY KEY,
  tracking_barcode TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('expected','deposited','picked_up','expired','collected','cancelled')),
  length_mm INTEGER NOT NULL,
  width_mm INTEGER NOT NULL,
  height_mm INTEGER NOT NULL,
  weight_g INTEGER NOT NULL,
  accessible INTEGER NOT NULL CHECK (accessible IN (0,1)),
  code_digest TEXT,
  hold_days INTEGER NOT NULL,
  compartment_id TEXT REFERENCES compartments(id),
  announced INTEGER NOT NULL CHECK (announced IN (0,1)),
  deposited_by TEXT,
  expected_at INTEGER,
  deposited_at INTEGER,
  expires_at INTEGER,
  closed_at INTEGER
) STRICT;
CREATE INDEX parcels_by_barcode ON parcels (tracking_barcode);
CREATE INDEX parcels_by_state ON parcels (state);
-- The invariant the whole locker rests on: one parcel or return per compartment at a time.
CREATE UNIQUE INDEX one_parcel_per_compartment ON parcels (compartment_id)
  WHERE state IN ('deposited','expired');

CREATE TABLE returns (
  id TEXT PRIMARY KEY,
  code_digest TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('expected','deposited','collected')),
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  compartment_id TEXT REFERENCES compartments(id),
  expected_at INTEGER NOT NULL,
  deposited_at INTEGER,
  collected_at INTEGER
) STRICT;
CREATE UNIQUE INDEX one_return_per_compartment ON returns (compartment_id) WHERE state = 'deposited';

-- A door operation in flight: the durable "why" written before a door is unlocked, kept until
-- its outcome is recorded. After a crash, start-up reconciliation resolves what is left here.
CREATE TABLE door_operations (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('deposit','pickup','return_deposit','collection','staff_open')),
  compartment_id TEXT NOT NULL UNIQUE REFERENCES compartments(id),
  parcel_id TEXT REFERENCES parcels(id),
  return_id TEXT REFERENCES returns(id),
  actor TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  deadline_at INTEGER NOT NULL,
  door_opened_at INTEGER
) STRICT;

-- The signed audit log and transactional outbox (DESIGN §4–5).
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  hash TEXT NOT NULL,
  sig TEXT NOT NULL
) STRICT;

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE code_throttle (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  failures TEXT NOT NULL,
  level INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
) STRICT;

CREATE TABLE revoked_badges (
  badge_id TEXT PRIMARY KEY,
  revoked_at INTEGER NOT NULL
) STRICT;
`;
