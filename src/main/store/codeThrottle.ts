/** The persisted code-entry throttle, so a power cycle does not hand an attacker fresh tries. */
import { initialThrottle, type ThrottleState } from '../core/codeThrottle';
import type { Db } from './database';

export function loadThrottle(db: Db): ThrottleState {
  const row = db
    .prepare('SELECT failures, level, locked_until FROM code_throttle WHERE id = 1')
    .get() as { failures: string; level: number; locked_until: number } | undefined;
  if (!row) return initialThrottle;
  return {
    failures: JSON.parse(row.failures) as number[],
    level: row.level,
    lockedUntil: row.locked_until,
  };
}

export function saveThrottle(db: Db, state: ThrottleState): void {
  db.prepare(
    `INSERT INTO code_throttle (id, failures, level, locked_until) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET failures = excluded.failures, level = excluded.level,
       locked_until = excluded.locked_until`,
  ).run(JSON.stringify(state.failures), state.level, state.lockedUntil);
}
