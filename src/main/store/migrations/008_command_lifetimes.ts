/**
 * Each applied command's lifetime (its signed `notAfter`), which now decides how long its id is
 * kept against replays; null: kept for good.
 */
export const up = `
ALTER TABLE processed_commands ADD COLUMN not_after INTEGER;
-- Ids from before: those commands were refused as expired a day after their issue.
UPDATE processed_commands SET not_after = issued_at + 86400000;
DROP INDEX processed_commands_by_issue;
CREATE INDEX processed_commands_by_lifetime ON processed_commands (not_after);
`;
