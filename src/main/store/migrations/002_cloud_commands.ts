/** The cloud link's durable facts: command ids already handled, and policy set by the cloud. */
export const up = `
-- One row per verified cloud command, so a replayed id is refused after any restart.
CREATE TABLE processed_commands (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX processed_commands_by_issue ON processed_commands (issued_at);

-- Policy values the cloud changed with config.update; they override the config file.
CREATE TABLE policy_overrides (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
`;
