/**
 * An unlock goes on the wire before anything else hears of the commit that authorised it: the
 * cloud relay and the screens' feed are told of new events only after the frame is written, so
 * no outbox read or publish runs in front of it. KioskCore on the real serial driver, over a
 * scripted adapter that notes each write.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { boardProtocols } from '../../../hardware/lockboard/protocols';
import { SerialLockBoard } from '../../../hardware/lockboard/serialLockBoard';
import { ScriptedWire, hex, toHex } from '../../../hardware/lockboard/testSupport/scriptedWire';
import { setCompartmentState } from '../store/compartments';
import { openDatabase } from '../store/database';
import { getParcel, saveParcel } from '../store/parcels';
import { KioskCore } from './kioskCore';
import { cloudKeys, digestOf, fixedIdentity, smallLockerConfig } from './testSupport/kioskFixture';

const kerong = boardProtocols['kerong-cu16'];
const allShut = { board: 0, lockBits: 0xffff, itemBits: 0 };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('an unlock before everything else', () => {
  it('writes the pickup’s unlock frame before the relay and the screens hear of the authorisation', async () => {
    const wire = new ScriptedWire();
    const order: string[] = [];
    wire.answer = (request) => {
      const bytes = hex(request);
      if (bytes[2] === 0x30) return [toHex(kerong.encodeStateReply(allShut))];
      order.push('unlock written');
      return [toHex(kerong.encodeUnlockReply((bytes[1]! & 0x0f) + 1, allShut, false))];
    };
    const board = new SerialLockBoard({
      path: '/dev/scripted',
      protocol: 'kerong-cu16',
      boards: [0],
      pollIntervalMs: 0,
      replyTimeoutMs: 200,
      openTransport: wire.open,
    });
    await board.start();
    const db = openDatabase(':memory:');
    const core = await KioskCore.start({
      config: smallLockerConfig(),
      db,
      board,
      identity: fixedIdentity,
      clock: { now: () => Date.now() },
      log: pino({ level: 'silent' }),
      cloudPublicKey: cloudKeys.publicKey,
    });
    close = async () => {
      await core.close();
      await board.close();
      db.close();
    };
    core.announcements.expectParcel({
      parcelId: 'p1',
      trackingBarcode: 'TRKp1',
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 500,
      codeDigest: digestOf('123456'),
    });
    // Deposited in A1 (the deposit's own door dance is not what this test is about).
    const now = Date.now();
    saveParcel(db, {
      ...getParcel(db, 'p1')!,
      state: 'deposited',
      compartmentId: 'A1',
      depositedAt: now,
      expiresAt: now + 86_400_000,
    });
    setCompartmentState(db, 'A1', 'occupied');
    order.length = 0;

    core.audit.onAppend(() => order.push('outbox woken'));
    const pickup = core.pickups.withCode('123456', 'code');
    expect((await pickup).ok).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order[0]).toBe('unlock written');
    expect(order).toContain('outbox woken');
  });
});
