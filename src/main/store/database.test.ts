import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { migrations } from './migrations';

describe('database', () => {
  it('applies every migration on a fresh database and records the version', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    const tables = db
      .prepare(
        `SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`,
      )
      .all() as { name: string; strict: number }[];
    expect(tables.map((t) => t.name).sort()).toEqual([
      'ack_receipts',
      'code_throttle',
      'compartments',
      'door_operations',
      'events',
      'meta',
      'parcels',
      'policy_overrides',
      'processed_commands',
      'returns',
      'revoked_badges',
    ]);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
  });

  it('is idempotent: reopening applies nothing twice', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    openDatabase(file).close();
    const again = openDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect(
      again.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'parcels'`).get(),
    ).toEqual({ n: 1 });
  });

  it('refuses a database written by newer software', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer/);
  });

  it('rejects a second parcel in one compartment at the schema level', () => {
    const db = openDatabase(':memory:');
    db.exec(`INSERT INTO compartments (id, board, lock, size, length_mm, width_mm, height_mm, max_weight_g, lower_door, state)
             VALUES ('A1', 0, 1, 'S', 600, 400, 90, 1000, 0, 'occupied')`);
    const insert =
      db.prepare(`INSERT INTO parcels (id, tracking_barcode, state, length_mm, width_mm, height_mm, weight_g, accessible, hold_days, compartment_id, announced)
                               VALUES (?, ?, 'deposited', 1, 1, 1, 1, 0, 3, 'A1', 1)`);
    insert.run('p1', 'T1');
    expect(() => insert.run('p2', 'T2')).toThrow(/UNIQUE/);
  });

  it('never hands out a door operation id twice (migration 3)', () => {
    const db = openDatabase(':memory:');
    db.exec(`INSERT INTO compartments (id, board, lock, size, length_mm, width_mm, height_mm, max_weight_g, lower_door, state)
             VALUES ('A1', 0, 1, 'S', 600, 400, 90, 1000, 0, 'available')`);
    const insert = db.prepare(
      `INSERT INTO door_operations (kind, compartment_id, actor, started_at, deadline_at) VALUES ('staff_open', 'A1', 'x', 0, 1)`,
    );
    const first = Number(insert.run().lastInsertRowid);
    db.exec('DELETE FROM door_operations');
    expect(Number(insert.run().lastInsertRowid)).toBe(first + 1);
  });

  it('gives door operations recorded before migration 4 the phase their record shows', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    const v3 = openDatabase(file, migrations.slice(0, 3));
    v3.exec(`INSERT INTO compartments (id, board, lock, size, length_mm, width_mm, height_mm, max_weight_g, lower_door, state)
             VALUES ('A1', 0, 1, 'S', 600, 400, 90, 1000, 0, 'available'),
                    ('A2', 0, 2, 'S', 600, 400, 90, 1000, 0, 'available')`);
    v3.exec(`INSERT INTO door_operations (kind, compartment_id, actor, started_at, deadline_at, door_opened_at)
             VALUES ('staff_open', 'A1', 'x', 100, 200, 150), ('staff_open', 'A2', 'x', 300, 400, NULL)`);
    v3.close();
    const db = openDatabase(file);
    expect(
      db
        .prepare(
          'SELECT compartment_id, phase, phase_at, ending, inspecting FROM door_operations ORDER BY id',
        )
        .all(),
    ).toEqual([
      { compartment_id: 'A1', phase: 'opened', phase_at: 150, ending: null, inspecting: 0 },
      { compartment_id: 'A2', phase: 'recorded', phase_at: 300, ending: null, inspecting: 0 },
    ]);
    expect(() => db.exec(`UPDATE door_operations SET phase = 'settled'`)).toThrow(/CHECK/);
  });

  it('counts no reopens for door operations recorded before migration 10, and never fewer than 0', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    const v9 = openDatabase(file, migrations.slice(0, 9));
    v9.exec(`INSERT INTO compartments (id, board, lock, size, length_mm, width_mm, height_mm, max_weight_g, lower_door, state)
             VALUES ('A1', 0, 1, 'S', 600, 400, 90, 1000, 0, 'available')`);
    v9.exec(`INSERT INTO door_operations (kind, compartment_id, actor, started_at, deadline_at, phase_at)
             VALUES ('pickup', 'A1', 'customer', 100, 200, 100)`);
    v9.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT reopens FROM door_operations').all()).toEqual([{ reopens: 0 }]);
    expect(() => db.exec('UPDATE door_operations SET reopens = -1')).toThrow(/CHECK/);
  });

  it('finds where each command applied before migration 12 was last answered, null when pruned', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    const v11 = openDatabase(file, migrations.slice(0, 11));
    const result = (seq: number, commandId: string, error?: string) =>
      v11
        .prepare(`INSERT INTO events (seq, type, body, hash, sig) VALUES (?, ?, ?, 'h', 's')`)
        .run(
          seq,
          'command.result',
          JSON.stringify({ seq, payload: { commandId, ok: !error, ...(error ? { error } : {}) } }),
        );
    result(4, 'c-1');
    result(5, 'c-2');
    result(9, 'c-1', 'replayed');
    v11
      .prepare(
        `INSERT INTO events (seq, type, body, hash, sig) VALUES (7, 'parcel.expected', ?, 'h', 's')`,
      )
      .run(JSON.stringify({ seq: 7, payload: { commandId: 'c-3' } }));
    const applied = v11.prepare(
      `INSERT INTO processed_commands (id, type, issued_at, received_at, not_after) VALUES (?, 'parcel.expect', 0, 0, NULL)`,
    );
    for (const id of ['c-1', 'c-2', 'c-3']) applied.run(id);
    v11.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT id, answered_seq FROM processed_commands ORDER BY id').all()).toEqual(
      [
        { id: 'c-1', answered_seq: 9 },
        { id: 'c-2', answered_seq: 5 },
        { id: 'c-3', answered_seq: null },
      ],
    );
  });

  it('keeps one parcel per cloud id alias (migration 5)', () => {
    const db = openDatabase(':memory:');
    const insert =
      db.prepare(`INSERT INTO parcels (id, tracking_barcode, state, length_mm, width_mm, height_mm, weight_g, accessible, hold_days, announced, cloud_parcel_id)
                               VALUES (?, ?, 'expected', 1, 1, 1, 1, 0, 3, 0, ?)`);
    insert.run('p1', 'T1', 'cloud-1');
    insert.run('p2', 'T2', null);
    insert.run('p3', 'T3', null);
    expect(() => insert.run('p4', 'T4', 'cloud-1')).toThrow(/UNIQUE/);
  });

  it('runs in WAL mode with full sync on a file', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
