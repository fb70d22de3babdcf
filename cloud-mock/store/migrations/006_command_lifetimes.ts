/**
 * Each command's lifetime (the `notAfter` it is signed with), so expired ones are failed instead
 * of resent; and which revocations each locker's enrolment was sent, so the full revocation list
 * goes out again only when that locker is missing one.
 */
export const up = `
ALTER TABLE commands ADD COLUMN not_after INTEGER;
-- Commands from before were signed without one: they get the lifetime their type has now,
-- counted from their original issue (credentials.revoke: none). Resent, they are signed again
-- with it and their original issue time (Commands.resendPending).
UPDATE commands SET not_after = issued_at + CASE type
  WHEN 'door.open_remote' THEN 300000
  WHEN 'state.request' THEN 300000
  WHEN 'compartment.set_service' THEN 3600000
  WHEN 'credentials.revoke' THEN NULL
  ELSE 604800000 END;
CREATE INDEX commands_by_lifetime ON commands (status, not_after);

CREATE TABLE revocations_sent (
  locker_id TEXT NOT NULL REFERENCES lockers(id),
  badge_id TEXT NOT NULL REFERENCES badges(id),
  -- The enrolment it was sent to ('{enrolled_at}:{device_public_key}'): a locker enrolled
  -- again starts with nothing sent.
  enrolment TEXT NOT NULL,
  command_id TEXT NOT NULL REFERENCES commands(id),
  PRIMARY KEY (locker_id, badge_id, command_id)
) STRICT;
CREATE INDEX badges_revoked ON badges (expires_at) WHERE revoked_at IS NOT NULL;
`;
