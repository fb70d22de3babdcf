/** The cloud's first schema: lockers and their chain head, compartments, parcels, returns,
 * the stored event chain, held-back events, broken links, commands, notifications, badges. */
export const up = `
CREATE TABLE lockers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  lat REAL NOT NULL,
  lng REAL NOT NULL,
  token_hash TEXT NOT NULL,
  provisioned_at INTEGER NOT NULL,
  enrolled_at INTEGER,
  device_public_key TEXT,
  code_digest_key TEXT,
  presence TEXT NOT NULL DEFAULT 'unknown' CHECK (presence IN ('online','offline','unknown')),
  presence_at INTEGER,
  -- Highest contiguous seq stored (what the device is acked) and that event's hash.
  chain_seq INTEGER NOT NULL DEFAULT 0,
  chain_hash TEXT NOT NULL,
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0,1)),
  snapshot TEXT,
  snapshot_seq INTEGER,
  snapshot_at INTEGER
) STRICT;

CREATE TABLE compartments (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  id TEXT NOT NULL,
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  length_mm INTEGER NOT NULL,
  width_mm INTEGER NOT NULL,
  height_mm INTEGER NOT NULL,
  max_weight_g INTEGER NOT NULL,
  lower_door INTEGER NOT NULL CHECK (lower_door IN (0,1)),
  -- As the ingested events describe it; state_seq is the event that last changed it.
  state TEXT NOT NULL DEFAULT 'available'
    CHECK (state IN ('available','reserved','occupied','out_of_service')),
  parcel_id TEXT,
  return_id TEXT,
  door_open INTEGER CHECK (door_open IN (0,1)),
  state_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (locker_id, id)
) STRICT;

CREATE TABLE parcels (
  allocation_id TEXT PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  parcel_id TEXT NOT NULL,
  tracking_barcode TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('expected','deposited','picked_up','expired','collected','cancelled')),
  size TEXT CHECK (size IN ('S','M','L','XL')),
  length_mm INTEGER,
  width_mm INTEGER,
  height_mm INTEGER,
  weight_g INTEGER,
  accessible INTEGER NOT NULL CHECK (accessible IN (0,1)),
  customer TEXT,
  hold_days INTEGER NOT NULL,
  pickup_code TEXT,
  code_digest TEXT,
  compartment_id TEXT,
  announced INTEGER NOT NULL CHECK (announced IN (0,1)),
  created_at INTEGER NOT NULL,
  lapses_at INTEGER NOT NULL,
  deposited_at INTEGER,
  expires_at INTEGER,
  closed_at INTEGER,
  UNIQUE (locker_id, parcel_id)
) STRICT;
CREATE INDEX parcels_by_state ON parcels (state, locker_id);

CREATE TABLE returns (
  return_id TEXT PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  size TEXT NOT NULL CHECK (size IN ('S','M','L','XL')),
  state TEXT NOT NULL CHECK (state IN ('expected','deposited','collected')),
  customer TEXT NOT NULL,
  return_code TEXT,
  code_digest TEXT NOT NULL,
  compartment_id TEXT,
  created_at INTEGER NOT NULL,
  closed_at INTEGER
) STRICT;
CREATE INDEX returns_by_state ON returns (state, locker_id);

CREATE TABLE events (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  hash TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (locker_id, seq)
) STRICT;

-- Events that arrived ahead of a gap: verified and stored once the gap is filled.
CREATE TABLE pending_events (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (locker_id, seq)
) STRICT;

CREATE TABLE chain_breaks (
  id INTEGER PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  seq INTEGER,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;

CREATE TABLE commands (
  id TEXT PRIMARY KEY,
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  type TEXT NOT NULL,
  signed TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','done','failed')),
  issued_at INTEGER NOT NULL,
  error TEXT,
  finished_at INTEGER
) STRICT;
CREATE INDEX commands_pending ON commands (locker_id, status);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  locker_id TEXT NOT NULL,
  parcel_id TEXT,
  return_id TEXT,
  recipients TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  code TEXT,
  qr_payload TEXT,
  created_at INTEGER NOT NULL,
  -- One reminder, one warning, … per parcel, however often the trigger repeats.
  dedupe_key TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE badges (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('courier','staff')),
  subject TEXT NOT NULL,
  lockers TEXT,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
`;
