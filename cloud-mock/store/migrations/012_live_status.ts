/**
 * Status in real time: who owns each allocation (the merchant key that created it), the
 * customer's language, merchants' webhooks and the log of every delivery attempt, and how far
 * each reader of status_events has fanned out.
 */
export const up = `
-- Whose an allocation or a return is (the API key that created it) and the customer's language.
CREATE TABLE owners (
  kind TEXT NOT NULL CHECK (kind IN ('allocation','return')),
  id TEXT NOT NULL,
  -- Null when no key made it (the cloud's own record of a deposit it was not told of).
  api_key_id TEXT,
  language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en','de','pl')),
  PRIMARY KEY (kind, id)
) STRICT;

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  api_key_id TEXT NOT NULL,
  url TEXT NOT NULL,
  -- JSON array of status event types.
  types TEXT NOT NULL,
  -- The HMAC key: the cloud must sign with it, so it is kept as it is (shown to the merchant once).
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
) STRICT;
CREATE INDEX webhooks_by_key ON webhooks(api_key_id, created_at);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  event_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (webhook_id, event_id)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at) WHERE state = 'pending';

-- How far a reader of status_events (the webhook fan-out) has got, so a restart resumes there.
CREATE TABLE status_cursors (
  name TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) STRICT;
`;
