import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate as migrateWith } from '../../src/shared/node/sqlite';
import { migrations } from './migrations';

const migrate = (db: Database.Database, m: typeof migrations) =>
  migrateWith(db, m, 'cloud database');

describe('cloud store migrations', () => {
  it('migration 1 builds STRICT tables on :memory: and records user_version', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual([
      'badges',
      'chain_breaks',
      'commands',
      'compartments',
      'events',
      'lockers',
      'notifications',
      'parcels',
      'pending_events',
      'returns',
    ]);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    // STRICT rejects a string where an integer belongs.
    expect(() =>
      db
        .prepare(
          "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('a','n','a',1,1,'t','yesterday','h')",
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    migrate(db, migrations.slice(0, 1)); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('migration 2 adds the STRICT alerts table: one alert per event, kinds checked', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const { sql } = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'alerts'")
      .get() as { sql: string };
    expect(sql).toMatch(/\)\s*STRICT$/);
    db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('L','n','a',1,1,'t',1,'h')",
    ).run();
    const insert = db.prepare(
      "INSERT INTO alerts (locker_id, compartment_id, kind, detail, seq, raised_at) VALUES ('L','A1',?,'d',?,1)",
    );
    insert.run('jammed', 4);
    expect(() => insert.run('inspection', 4)).toThrow(/UNIQUE/);
    expect(() => insert.run('on_fire', 5)).toThrow(/CHECK/);
  });

  it('migration 3 gives existing parcels an empty alias, unique per locker', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('L','n','a',1,1,'t',1,'h')",
    ).run();
    const parcel = db.prepare(
      `INSERT INTO parcels (allocation_id, locker_id, parcel_id, tracking_barcode, state,
         accessible, hold_days, announced, created_at, lapses_at)
       VALUES (?, 'L', ?, 'TRK', 'expected', 0, 3, 1, 1, 1)`,
    );
    parcel.run('a1', 'P-1');
    migrate(db, migrations.slice(0, 3));
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare("SELECT cloud_parcel_id FROM parcels WHERE parcel_id = 'P-1'").get()).toEqual(
      { cloud_parcel_id: null },
    );
    parcel.run('a2', 'P-2');
    parcel.run('a3', 'P-3');
    const alias = db.prepare('UPDATE parcels SET cloud_parcel_id = ? WHERE allocation_id = ?');
    alias.run('C-1', 'a2');
    expect(() => alias.run('C-1', 'a3')).toThrow(/UNIQUE/);
    migrate(db, migrations.slice(0, 3)); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(3);
  });

  it('migration 4 gives every locker a code length: 6 for those before it (what they were issued), 6–10 only', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 3));
    const locker = db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES (?,'n','a',1,1,'t',1,'h')",
    );
    locker.run('OLD');
    migrate(db, migrations.slice(0, 4));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    const lengthOf = (id: string) =>
      db.prepare('SELECT code_length FROM lockers WHERE id = ?').get(id);
    expect(lengthOf('OLD')).toEqual({ code_length: 6 });
    locker.run('NEW');
    expect(lengthOf('NEW')).toEqual({ code_length: 6 });
    const set = db.prepare('UPDATE lockers SET code_length = ? WHERE id = ?');
    set.run(10, 'NEW');
    expect(lengthOf('NEW')).toEqual({ code_length: 10 });
    for (const bad of [5, 11]) expect(() => set.run(bad, 'NEW')).toThrow(/CHECK/);
    expect(() => set.run('eight', 'NEW')).toThrow(/cannot store TEXT value in INTEGER column/);
    migrate(db, migrations.slice(0, 4)); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(4);
  });

  it('migration 5 keeps a QR payload beside each code: none for rows before it, each table its own prefix', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('L','n','a',1,1,'t',1,'h')",
    ).run();
    const parcel = db.prepare(
      `INSERT INTO parcels (allocation_id, locker_id, parcel_id, tracking_barcode, state,
         accessible, hold_days, announced, created_at, lapses_at)
       VALUES (?, 'L', ?, 'TRK', 'expected', 0, 3, 1, 1, 1)`,
    );
    const ret = db.prepare(
      `INSERT INTO returns (return_id, locker_id, size, state, customer, code_digest, created_at)
       VALUES (?, 'L', 'S', 'expected', '{}', 'd', 1)`,
    );
    parcel.run('a1', 'P-1');
    ret.run('R-1');
    migrate(db, migrations.slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare("SELECT qr_payload FROM parcels WHERE parcel_id = 'P-1'").get()).toEqual({
      qr_payload: null,
    });
    expect(db.prepare("SELECT qr_payload FROM returns WHERE return_id = 'R-1'").get()).toEqual({
      qr_payload: null,
    });
    const token = 'A'.repeat(22);
    const setParcel = db.prepare("UPDATE parcels SET qr_payload = ? WHERE allocation_id = 'a1'");
    const setReturn = db.prepare("UPDATE returns SET qr_payload = ? WHERE return_id = 'R-1'");
    setParcel.run(`LKP2:${token}`);
    setReturn.run(`LKR2:${token}`);
    for (const bad of [`LKR2:${token}`, `lkp2:${token}`, `LKP2:${token}A`, '12345678'])
      expect(() => setParcel.run(bad), bad).toThrow(/CHECK/);
    for (const bad of [`LKP2:${token}`, `LKR2:${token.slice(1)}`])
      expect(() => setReturn.run(bad), bad).toThrow(/CHECK/);
    migrate(db, migrations.slice(0, 5)); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(5);
  });

  it('migration 6 gives commands from before a lifetime by type from their issue, and records revocations sent', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('L','n','a',1,1,'t',1,'h')",
    ).run();
    const command = db.prepare(
      `INSERT INTO commands (id, locker_id, type, signed, status, issued_at)
       VALUES (?, 'L', ?, '{}', 'pending', 1000)`,
    );
    const types = [
      'door.open_remote',
      'state.request',
      'compartment.set_service',
      'parcel.expect',
      'config.update',
      'credentials.revoke',
    ];
    types.forEach((type, i) => command.run(`c${i}`, type));
    migrate(db, migrations.slice(0, 6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(db.prepare('SELECT type, not_after FROM commands ORDER BY id').all()).toEqual([
      { type: 'door.open_remote', not_after: 1000 + 300_000 },
      { type: 'state.request', not_after: 1000 + 300_000 },
      { type: 'compartment.set_service', not_after: 1000 + 3_600_000 },
      { type: 'parcel.expect', not_after: 1000 + 7 * 86_400_000 },
      { type: 'config.update', not_after: 1000 + 7 * 86_400_000 },
      { type: 'credentials.revoke', not_after: null },
    ]);
    db.prepare(
      "INSERT INTO badges (id, role, subject, issued_at, expires_at, revoked_at) VALUES ('b','staff','s',1,2,1)",
    ).run();
    const sent = db.prepare(
      'INSERT INTO revocations_sent (locker_id, badge_id, enrolment, command_id) VALUES (?, ?, ?, ?)',
    );
    sent.run('L', 'b', 'key', 'c5');
    expect(() => sent.run('L', 'nope', 'key', 'c5')).toThrow(/FOREIGN KEY/);
    expect(() => sent.run('L', 'b', 'key', 'no-such-command')).toThrow(/FOREIGN KEY/);
    migrate(db, migrations.slice(0, 6)); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(6);
  });

  it('migration 8 keeps API keys as a role, a label and a 64-hex hash only', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version <= 8),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    const { sql } = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'api_keys'")
      .get() as { sql: string };
    expect(sql).toMatch(/\)\s*STRICT$/);
    const insert = db.prepare(
      'INSERT INTO api_keys (id, role, label, key_hash, created_at) VALUES (?, ?, ?, ?, 1)',
    );
    const hash = 'ab'.repeat(32);
    insert.run('0123456789ab', 'operator', 'ops laptop', hash);
    expect(() => insert.run('0123456789ab', 'merchant', 'again', hash)).toThrow(/UNIQUE/);
    expect(() => insert.run('0123456789ac', 'admin', 'x', hash)).toThrow(/CHECK/);
    expect(() => insert.run('0123456789AC', 'merchant', 'x', hash)).toThrow(/CHECK/);
    expect(() => insert.run('0123456789ad', 'merchant', '', hash)).toThrow(/CHECK/);
    // Not the key itself, nor its base64: a hex SHA-256 and nothing else.
    expect(() => insert.run('0123456789ae', 'merchant', 'x', 'plk_' + 'a'.repeat(60))).toThrow(
      /CHECK/,
    );
    expect(() => insert.run('0123456789af', 'merchant', 'x', 'ab'.repeat(31))).toThrow(/CHECK/);
    expect(db.prepare('SELECT revoked_at FROM api_keys').get()).toEqual({ revoked_at: null });
  });

  it('migration 9 counts what each locker can still promise per size, from the newer of snapshot and events, and triggers keep it', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version <= 8),
    );
    const snapshot = {
      v: 1,
      lockerId: 'L',
      at: '2025-06-02T08:00:00.000Z',
      seq: 5,
      compartments: [
        { id: 'A1', size: 'S', state: 'occupied', doorOpen: false, parcelId: 'P', returnId: null },
        {
          id: 'B1',
          size: 'M',
          state: 'out_of_service',
          doorOpen: null,
          parcelId: null,
          returnId: null,
        },
        {
          id: 'D1',
          size: 'XL',
          state: 'available',
          doorOpen: true,
          parcelId: null,
          returnId: null,
        },
      ],
      sig: 'x',
    };
    db.prepare(
      `INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash,
         snapshot, snapshot_seq) VALUES ('L','n','a',1,1,'t',1,'h',?,5)`,
    ).run(JSON.stringify(snapshot));
    const compartment = db.prepare(
      `INSERT INTO compartments (locker_id, id, size, length_mm, width_mm, height_mm,
         max_weight_g, lower_door, state, state_seq) VALUES ('L', ?, ?, 1, 1, 1, 1, 0, ?, ?)`,
    );
    compartment.run('A1', 'S', 'available', 3); // the snapshot is newer: occupied
    compartment.run('A2', 'S', 'available', 0); // not in the snapshot: free
    compartment.run('B1', 'M', 'available', 7); // an event after the snapshot: free
    compartment.run('C1', 'L', 'occupied', 2);
    compartment.run('D1', 'XL', 'available', 1); // the snapshot says its door is open
    const parcel = db.prepare(
      `INSERT INTO parcels (allocation_id, locker_id, parcel_id, tracking_barcode, state, size,
         accessible, hold_days, announced, created_at, lapses_at)
       VALUES (?, 'L', ?, 'TRK', ?, ?, 0, 3, 1, 1, 1)`,
    );
    parcel.run('a1', 'P-1', 'expected', 'S');
    parcel.run('a2', 'P-2', 'cancelled', 'S');
    parcel.run('a3', 'P-3', 'expected', 'M');
    parcel.run('a4', 'P-4', 'deposited', null);
    db.prepare(
      `INSERT INTO returns (return_id, locker_id, size, state, customer, code_digest, created_at)
       VALUES ('R-1', 'L', 'L', 'expected', '{}', 'd', 1)`,
    ).run();

    migrate(
      db,
      migrations.filter((m) => m.version <= 9),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    const capacity = () =>
      Object.fromEntries(
        (
          db.prepare('SELECT size, free, promised FROM capacity ORDER BY size').all() as {
            size: string;
            free: number;
            promised: number;
          }[]
        ).map((r) => [r.size, [r.free, r.promised]]),
      );
    expect(capacity()).toEqual({ S: [1, 1], M: [1, 1], L: [0, 1], XL: [0, 0] });

    // Every later change moves it in the same statement.
    parcel.run('a5', 'P-5', 'expected', 'S');
    expect(capacity().S).toEqual([1, 2]);
    db.prepare("UPDATE parcels SET state = 'cancelled' WHERE allocation_id = 'a1'").run();
    db.prepare("UPDATE parcels SET size = 'L' WHERE allocation_id = 'a5'").run();
    db.prepare("DELETE FROM parcels WHERE allocation_id = 'a3'").run();
    db.prepare("UPDATE returns SET state = 'deposited' WHERE return_id = 'R-1'").run();
    expect(capacity()).toEqual({ S: [1, 0], M: [1, 0], L: [0, 1], XL: [0, 0] });
    const event = db.prepare(
      "UPDATE compartments SET state = ?, door_open = ?, state_seq = ? WHERE locker_id = 'L' AND id = ?",
    );
    event.run('occupied', 0, 8, 'A2');
    event.run('available', 0, 9, 'A1'); // newer than the snapshot now
    event.run('available', 1, 10, 'C1'); // available, but its door is open
    expect(capacity()).toEqual({ S: [1, 0], M: [1, 0], L: [0, 1], XL: [0, 0] });
    event.run('available', 0, 11, 'C1');
    expect(capacity().L).toEqual([1, 1]);
    expect(() =>
      db.prepare("UPDATE compartments SET snapshot_state = 'broken' WHERE id = 'A1'").run(),
    ).toThrow(/CHECK/);
  });

  it('migration 12 keeps owners, webhooks, one delivery per webhook and event, and cursors, all STRICT', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('owners','webhooks','webhook_deliveries','status_cursors')",
      )
      .all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name).sort()).toEqual([
      'owners',
      'status_cursors',
      'webhook_deliveries',
      'webhooks',
    ]);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    const owner = db.prepare(
      'INSERT INTO owners (kind, id, api_key_id, language) VALUES (?, ?, ?, ?)',
    );
    owner.run('allocation', 'a1', 'k1', 'de');
    owner.run('allocation', 'a2', null, 'en'); // a deposit the cloud was not told of
    expect(() => owner.run('allocation', 'a3', 'k1', 'fr')).toThrow(/CHECK/);
    expect(() => owner.run('parcel', 'a4', 'k1', 'en')).toThrow(/CHECK/);
    db.prepare(
      "INSERT INTO webhooks (id, api_key_id, url, types, secret, created_at) VALUES ('w', 'k1', 'https://m.example/h', '[]', 's', 1)",
    ).run();
    const delivery = db.prepare(
      "INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, state, next_at, created_at) VALUES ('w', ?, 'pending', 1, 1)",
    );
    expect(delivery.run(7).changes).toBe(1);
    expect(delivery.run(7).changes).toBe(0); // once per webhook and event
    expect(() => db.prepare("UPDATE webhook_deliveries SET state = 'lost'").run()).toThrow(/CHECK/);
  });

  it('migration 11 keeps a cancelled parcel or return promised until released, rebuilds returns with a lapse time, and schedules pending commands for resend', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version <= 10),
    );
    db.prepare(
      `INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash)
       VALUES ('L','n','a',1,1,'t',1,'h')`,
    ).run();
    const compartment = db.prepare(
      `INSERT INTO compartments (locker_id, id, size, length_mm, width_mm, height_mm,
         max_weight_g, lower_door) VALUES ('L', ?, ?, 1, 1, 1, 1, 0)`,
    );
    compartment.run('A1', 'S');
    compartment.run('C1', 'L');
    db.prepare(
      `INSERT INTO parcels (allocation_id, locker_id, parcel_id, tracking_barcode, state, size,
         accessible, hold_days, announced, created_at, lapses_at)
       VALUES ('a1', 'L', 'P-1', 'TRK', 'expected', 'S', 0, 3, 1, 1, 1)`,
    ).run();
    db.prepare(
      `INSERT INTO returns (return_id, locker_id, size, state, customer, code_digest, created_at)
       VALUES ('R-1', 'L', 'L', 'expected', '{}', 'd', 1000)`,
    ).run();
    db.prepare(
      `INSERT INTO commands (id, locker_id, type, signed, status, issued_at, not_after)
       VALUES ('c1', 'L', 'parcel.expect', '{}', 'pending', 500, 9999)`,
    ).run();

    migrate(db, migrations);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(11);
    const promised = () =>
      Object.fromEntries(
        (
          db.prepare('SELECT size, promised FROM capacity').all() as {
            size: string;
            promised: number;
          }[]
        ).map((r) => [r.size, r.promised]),
      );
    expect(promised()).toEqual({ S: 1, L: 1 });
    expect(db.prepare("SELECT lapses_at FROM returns WHERE return_id = 'R-1'").get()).toEqual({
      lapses_at: 1000 + 7 * 86_400_000,
    });
    expect(db.prepare('SELECT next_send_at, send_attempts FROM commands').get()).toEqual({
      next_send_at: 500,
      send_attempts: 1,
    });

    // Cancelled but not confirmed: still promised; confirmed: let go.
    db.prepare(
      "UPDATE parcels SET state = 'cancelled', release_pending = 'cancel' WHERE allocation_id = 'a1'",
    ).run();
    db.prepare(
      "UPDATE returns SET state = 'cancelled', release_pending = 'lapse' WHERE return_id = 'R-1'",
    ).run();
    expect(promised()).toEqual({ S: 1, L: 1 });
    db.prepare("UPDATE parcels SET release_pending = NULL WHERE allocation_id = 'a1'").run();
    db.prepare("UPDATE returns SET release_pending = NULL WHERE return_id = 'R-1'").run();
    expect(promised()).toEqual({ S: 0, L: 0 });
    expect(() =>
      db.prepare("UPDATE returns SET state = 'lost' WHERE return_id = 'R-1'").run(),
    ).toThrow(/CHECK/);
  });

  it('migration 13 keeps every alert, lets alerts be about the whole locker, and marks what was already sent', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version <= 10),
    );
    db.prepare(
      `INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash)
       VALUES ('L', 'n', 'a', 52.5, 13.4, 't', 0, 'h')`,
    ).run();
    db.prepare(
      `INSERT INTO alerts (locker_id, compartment_id, kind, detail, seq, raised_at, cleared_at,
         cleared_seq, cleared_reason) VALUES ('L', 'B1', 'jammed', 'd', 3, 10, 20, 4, 'back')`,
    ).run();
    const parcel = db.prepare(
      `INSERT INTO parcels (allocation_id, locker_id, parcel_id, tracking_barcode, state, size,
         accessible, hold_days, announced, created_at, lapses_at, deposited_at, expires_at)
       VALUES (?, 'L', ?, 'TRK', 'deposited', 'S', 0, 3, 1, 1, 9, 100, ?)`,
    );
    parcel.run('a1', 'P-1', 5000);
    parcel.run('a2', 'P-2', 6000);
    const note = db.prepare(
      `INSERT INTO notifications (kind, locker_id, recipients, subject, text, created_at, dedupe_key)
       VALUES ('x', 'L', '[]', 's', 't', ?, ?)`,
    );
    note.run(200, 'a1:reminder');
    note.run(300, 'a1:expiry_warning:5000');
    note.run(300, 'a2:expiry_warning:4000'); // warned of an expiry since extended

    migrate(db, migrations);
    expect(db.pragma('user_version', { simple: true })).toBe(13);
    expect(db.prepare('SELECT * FROM alerts').all()).toEqual([
      expect.objectContaining({
        id: 1,
        compartment_id: 'B1',
        seq: 3,
        ends_at: null,
        cleared_seq: 4,
      }),
    ]);
    expect(
      db.prepare('SELECT allocation_id, reminded_at, warned_expiry FROM parcels ORDER BY 1').all(),
    ).toEqual([
      { allocation_id: 'a1', reminded_at: 200, warned_expiry: 5000 },
      { allocation_id: 'a2', reminded_at: null, warned_expiry: null },
    ]);
    const raise = db.prepare(
      `INSERT OR IGNORE INTO alerts (locker_id, compartment_id, kind, detail, seq, raised_at)
       VALUES ('L', NULL, ?, 'd', NULL, 1)`,
    );
    expect(raise.run('offline').changes).toBe(1);
    expect(raise.run('offline').changes).toBe(0); // one open per kind and locker
    expect(raise.run('chain_break').changes).toBe(1);
    expect(() =>
      db
        .prepare(
          `INSERT INTO alerts (locker_id, kind, detail, raised_at) VALUES ('L', 'gremlins', 'd', 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });

  it('refuses a database newer than the code', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, migrations)).toThrow(/newer than this software knows/);
  });
});
