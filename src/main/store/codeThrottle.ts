/** The persisted code-entry throttle, so a power cycle does not hand an attacker fresh tries. */
import { initialThrottle, type ThrottleState } from '../core/codeThrottle';
import type { Db } from './database';
import { stmt } from './statements';

export function loadThrottle(db: Db): ThrottleState {
  const row = stmt(db, 'SELECT debt, at, locked_until FROM code_throttle WHERE id = 1').get() as
    { debt: number; at: number; locked_until: number } | undefined;
  return row ? { debt: row.debt, at: row.at, lockedUntil: row.locked_until } : initialThrottle;
}

export function saveThrottle(db: Db, state: ThrottleState): void {
  stmt(
    db,
    `INSERT INTO code_throttle (id, debt, at, locked_until) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET debt = excluded.debt, at = excluded.at,
       locked_until = excluded.locked_until`,
  ).run(state.debt, state.at, state.lockedUntil);
}
