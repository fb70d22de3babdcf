/**
 * Broker accounts: each enrolment gives its locker a fresh password (username = locker id), and
 * the cloud has its own; only a salted scrypt hash of each is kept. A username belongs to one
 * kind, so no locker can ever be issued the cloud's name.
 */
export const up = `
CREATE TABLE broker_accounts (
  username TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('cloud', 'locker')),
  locker_id TEXT UNIQUE REFERENCES lockers(id),
  password_hash TEXT NOT NULL CHECK (password_hash GLOB 'scrypt$*'),
  issued_at INTEGER NOT NULL,
  generation INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1),
  CHECK ((kind = 'locker') = (locker_id IS NOT NULL)),
  CHECK (locker_id IS NULL OR username = locker_id)
) STRICT;
`;
