/**
 * The code throttle keeps a failure debt that time pays off (core/codeThrottle.ts) instead of a
 * window of failure times and a level that a success reset. The debt carried over is every
 * recorded failure plus every delay imposed, as of the last failure: nothing is forgiven by
 * the upgrade itself.
 */
export const up = `
CREATE TABLE code_throttle_new (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  debt REAL NOT NULL CHECK (debt >= 0),
  at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
) STRICT;
INSERT INTO code_throttle_new (id, debt, at, locked_until)
  SELECT 1, json_array_length(failures) + level,
         COALESCE((SELECT max(value) FROM json_each(failures)), 0), locked_until
  FROM code_throttle;
DROP TABLE code_throttle;
ALTER TABLE code_throttle_new RENAME TO code_throttle;
`;
