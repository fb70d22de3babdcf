import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  BootKeyboardDecoder,
  encodeKeyboardReports,
} from '../../../hardware/scanner/bootKeyboardReport';
import { HidPosDecoder, encodeHidPosReports } from '../../../hardware/scanner/hidPosReport';
import type { DecodeEvent, ReportDecoder } from '../../../hardware/scanner/types';
import { BADGE_TOKEN_MAX_LENGTH, splitBadgeToken } from '../../shared/badge';
import { issueBadgeToken } from '../../shared/node/badgeToken';
import { WedgeDetector } from '../../shared/scanner/wedgeDetector';
import { cloudKeys, startFixture, type Fixture } from '../services/testSupport/kioskFixture';
import { createHandlerTable } from './handlers';
import { HardwareMonitor } from './hardwareMonitor';
import { notConnected } from './linkStatus';
import { Session } from './session';

/** A staff badge for this locker, padded (a second locker id) to exactly `length` characters. */
function badgeOfLength(f: Fixture, length: number): string {
  for (let pad = 1; pad < 3 * length; pad++) {
    const token = issueBadgeToken(
      {
        id: 'staff-long',
        role: 'staff',
        sub: 'staff-one',
        lockers: [f.config.lockerId, 'x'.repeat(pad)],
        iat: new Date(f.clock.now()).toISOString(),
        exp: new Date(f.clock.now() + 86_400_000).toISOString(),
      },
      cloudKeys.privateKey,
    );
    if (token.length === length) return token;
  }
  throw new Error(`no padding gives a ${length}-character badge`);
}

function decodeAll(decoder: ReportDecoder, reports: Uint8Array[]): string[] {
  const events: DecodeEvent[] = reports.flatMap((r) => decoder.feed(r));
  return events.map((e) => (e.kind === 'barcode' ? e.barcode.text : `dropped:${e.dropped.reason}`));
}

/** What the renderer's wedge input hands on when a scanner types `text` `gapMs` apart. */
function wedge(text: string, gapMs: number): string[] {
  const detector = new WedgeDetector();
  const scans: string[] = [];
  [...text, 'Enter'].forEach((key, i) => {
    const scan = detector.push({ key, at: i * gapMs }).scan;
    if (scan) scans.push(scan.text);
  });
  return scans;
}

async function table() {
  const f = await startFixture();
  const handlers = createHandlerTable({
    core: f.core,
    db: f.db,
    lockerId: f.config.lockerId,
    session: new Session({ idleMs: 60_000 }),
    link: notConnected,
    hardware: new HardwareMonitor(f.board, null),
    simulated: false,
    log: pino({ level: 'silent' }),
  });
  return { f, handlers };
}

describe('the longest badge (BADGE_TOKEN_MAX_LENGTH)', () => {
  it('is read whole by HID-POS, boot-keyboard and keyboard-wedge input and logs in', async () => {
    const { f, handlers } = await table();
    const token = badgeOfLength(f, BADGE_TOKEN_MAX_LENGTH);
    expect(splitBadgeToken(token)).not.toBeNull();
    const read = [
      ...decodeAll(new HidPosDecoder(), encodeHidPosReports(Buffer.from(token), ']Q1')),
      ...decodeAll(new BootKeyboardDecoder(), encodeKeyboardReports(token)),
      // A wedge scanner must type a key every ~2.3 ms to fit the detector's 5 s burst.
      ...wedge(token, 2),
    ];
    expect(read).toEqual([token, token, token]);
    for (const text of read) {
      expect(await handlers['session:badge']({ token: text })).toMatchObject({
        ok: true,
        value: { role: 'staff', subject: 'staff-one' },
      });
    }
  });

  it('is the most session:badge accepts: a longer token is invalid input, changing nothing', async () => {
    const { handlers } = await table();
    const tooLong = `LKB1.${'A'.repeat(BADGE_TOKEN_MAX_LENGTH)}`;
    expect(await handlers['session:badge']({ token: tooLong })).toMatchObject({
      ok: false,
      error: { reason: 'invalid_input', problems: [expect.stringMatching(/^token:/)] },
    });
    expect(await handlers['session:get']({})).toEqual({ ok: true, value: null });
  });
});
