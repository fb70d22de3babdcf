/**
 * Door operation ids are never reused (AUTOINCREMENT): a screen holding the id of a finished
 * operation must not act on a newer one that happened to get the same id.
 */
export const up = `
CREATE TABLE door_operations_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('deposit','pickup','return_deposit','collection','staff_open')),
  compartment_id TEXT NOT NULL UNIQUE REFERENCES compartments(id),
  parcel_id TEXT REFERENCES parcels(id),
  return_id TEXT REFERENCES returns(id),
  actor TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  deadline_at INTEGER NOT NULL,
  door_opened_at INTEGER
) STRICT;
INSERT INTO door_operations_new SELECT * FROM door_operations;
DROP TABLE door_operations;
ALTER TABLE door_operations_new RENAME TO door_operations;
-- Continue after the highest id ever handed out, not just the highest still present.
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'door_operations', COALESCE(MAX(id), 0) FROM door_operations
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'door_operations');
`;
