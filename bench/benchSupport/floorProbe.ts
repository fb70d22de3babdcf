/**
 * Benchmark support: the floor an unlock cannot beat, measured alongside it. One sample is one
 * fsync'd SQLite commit (a file of its own next to the kiosk's, opened as every store is: WAL,
 * synchronous=FULL) followed by an unlock frame of the same family and length written to the
 * same pty the kiosk's driver uses, timed until the board side reads its last byte.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { boardProtocols } from '../../hardware/lockboard/protocols';
import { openSqlite, type Db } from '../../src/shared/node/sqlite';
import type { BoardWitness, LockAddress } from './boardWitness';

const FLOOR_SCHEMA = [
  {
    version: 1,
    name: 'floor',
    up: 'CREATE TABLE floor (n INTEGER PRIMARY KEY, at INTEGER NOT NULL) STRICT;',
  },
];

export class FloorProbe {
  private readonly db: Db;
  private readonly fd: number;
  private readonly frame: Uint8Array;
  private readonly insert: Statement<[number, number]>;
  private n = 0;

  constructor(
    dir: string,
    private readonly witness: BoardWitness,
    private readonly address: LockAddress,
  ) {
    this.db = openSqlite(join(dir, 'floor.db'), FLOOR_SCHEMA, 'floor database');
    // Write-only: the kiosk's driver keeps reading every reply on this line.
    this.fd = openSync(
      witness.kioskPath,
      constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK,
    );
    this.insert = this.db.prepare('INSERT INTO floor (n, at) VALUES (?, ?)');
    this.frame = boardProtocols['kerong-cu16'].encodeUnlock(address.board, address.lock);
  }

  /**
   * One sample, in ms; null when the frame never arrived (a TCIOFLUSH of the kiosk's driver
   * on the same line threw it away before socat read it).
   */
  async sample(): Promise<number | null> {
    const startNs = process.hrtime.bigint();
    this.db.transaction(() => this.insert.run(++this.n, Date.now()))();
    writeSync(this.fd, this.frame);
    try {
      const heardNs = await this.witness.floorHeard(this.address, startNs, 300);
      return Number(heardNs - startNs) / 1e6;
    } catch {
      return null;
    }
  }

  close(): void {
    closeSync(this.fd);
    this.db.close();
  }
}
