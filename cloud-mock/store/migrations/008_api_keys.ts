/**
 * API keys for the REST API: each key's public id, role and label, and only the SHA-256 of the
 * key itself; a revoked key keeps its row (and so its id) with the time it was revoked.
 */
export const up = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY CHECK (length(id) = 12 AND id NOT GLOB '*[^0-9a-f]*'),
  role TEXT NOT NULL CHECK (role IN ('merchant','operator','dashboard')),
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  key_hash TEXT NOT NULL CHECK (length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
`;
