/**
 * Which deliveries of a command reached the locker after the cloud had acked the unit's answer
 * to it, as a witness on the broker saw them: only those may be answered `replayed` (a resend
 * while the answer is still on its way gets none). The cloud publishes acks and commands through
 * one client, so the unit receives them in the order the witness does.
 */
import Database from 'better-sqlite3';
import type { FlushWitness } from '../../benchSupport/flushWitness';

export interface CommandDeliveries {
  /** Command messages the witness saw, resends included. */
  delivered: number;
  /** Of those, the ones whose answer an ack the witness saw before them covered. */
  resentAfterAck: number;
}

export function commandDeliveries(dbFile: string, witness: FlushWitness): CommandDeliveries {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  const answers = new Map<string, number[]>();
  try {
    const rows = db
      .prepare(
        `SELECT seq, json_extract(body, '$.payload.commandId') AS id FROM events
          WHERE type = 'command.result' ORDER BY seq`,
      )
      .all() as { seq: number; id: string }[];
    for (const r of rows) answers.set(r.id, [...(answers.get(r.id) ?? []), r.seq]);
  } finally {
    db.close();
  }
  let resentAfterAck = 0;
  for (const c of witness.commands) {
    const acked = (answers.get(c.id) ?? []).some((seq) => {
      const at = witness.ackedAt(seq);
      return at !== null && at < c.at;
    });
    if (acked) resentAfterAck += 1;
  }
  return { delivered: witness.commands.length, resentAfterAck };
}
