/**
 * No command applied twice: in the kiosk's own chain, each cloud command has at most one
 * successful `command.result`, and each parcel or return the cloud announced was recorded
 * expected once.
 */
import type { Db } from '../../../src/main/store/database';

export interface CommandAudit {
  /** Commands with a successful result. */
  applied: number;
  /** Commands with more than one successful result. */
  appliedTwice: number;
  /** Parcels or returns recorded `expected` more than once. */
  announcedTwice: number;
  /** Results that refused a command already applied (a resend or a redelivery, as it should). */
  replaysRefused: number;
}

export function auditCommands(db: Db): CommandAudit {
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const payload = `json_extract(body, '$.payload`;
  return {
    applied: one(
      `SELECT count(DISTINCT ${payload}.commandId')) AS n FROM events
       WHERE type = 'command.result' AND ${payload}.ok') = 1`,
    ),
    appliedTwice: one(
      `SELECT count(*) AS n FROM (SELECT ${payload}.commandId') FROM events
       WHERE type = 'command.result' AND ${payload}.ok') = 1
       GROUP BY ${payload}.commandId') HAVING count(*) > 1)`,
    ),
    announcedTwice: one(
      `SELECT count(*) AS n FROM (SELECT coalesce(${payload}.parcelId'), ${payload}.returnId'))
       FROM events WHERE type IN ('parcel.expected', 'return.expected')
       GROUP BY type, coalesce(${payload}.parcelId'), ${payload}.returnId')) HAVING count(*) > 1)`,
    ),
    replaysRefused: one(
      `SELECT count(*) AS n FROM events WHERE type = 'command.result'
       AND ${payload}.error') = 'replayed'`,
    ),
  };
}
