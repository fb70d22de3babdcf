/**
 * `npm start`'s summary and the codes it prints on every start: the codes come from the cloud's
 * messages for the parcels still deposited in a real kiosk store, the newest per parcel.
 */
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../shared/rest/schemas';
import { announce, deposit, startFixture } from '../services/testSupport/kioskFixture';
import { summary } from './summary';
import { waitingCodes } from './waitingCodes';

const message = (id: number, parcelId: string, code: string | null): Notification => ({
  id,
  kind: code ? 'pickup_code' : 'reminder',
  lockerId: 'test-locker',
  parcelId,
  returnId: null,
  to: ['ada@example.org'],
  subject: 'Your parcel',
  text: '…',
  code,
  qrPayload: null,
  createdAt: new Date(0).toISOString(),
});

describe('the codes npm start prints on every start', () => {
  it('are the newest code of each parcel still deposited, none for parcels picked up', async () => {
    const f = await startFixture();
    for (const [id, code] of [
      ['p1', '111111'],
      ['p2', '222222'],
    ] as const) {
      announce(f, id, code);
      await deposit(f, id);
    }
    announce(f, 'p3', '333333'); // announced, not deposited: nothing to pick up yet
    const cloud = {
      notifications: async () => ({
        notifications: [
          message(1, 'p1', '111111'),
          message(2, 'p2', '200000'),
          message(3, 'p2', '222222'),
          message(4, 'p3', '333333'),
          message(5, 'p1', null),
        ],
      }),
    };
    expect(await waitingCodes(f, cloud, 'test-locker')).toEqual([
      { parcelId: 'p1', code: '111111' },
      { parcelId: 'p2', code: '222222' },
    ]);
    expect((await f.core.pickups.withCode('111111', 'code')).ok).toBe(true);
    expect(await waitingCodes(f, cloud, 'test-locker')).toContainEqual({
      parcelId: 'p1',
      code: '111111',
    }); // the door is still open: not picked up yet
  });
});

describe('the start summary', () => {
  const facts = {
    lockerId: 'demo-locker-1',
    screen: 'headless',
    kioskUrl: 'http://127.0.0.1:4000/?token=abc',
    cloudUrl: 'http://127.0.0.1:4001',
    simUrl: 'http://127.0.0.1:4002',
    courierBadge: `LKB1.${'x'.repeat(200)}`,
    staffBadge: `LKB1.${'y'.repeat(200)}`,
    codes: [{ parcelId: 'demo-2', code: '12345678' }],
    logFile: '.data/npm-start.log',
  };

  it('says where everything is, the codes waiting and what to try, in short lines', () => {
    const lines = summary(facts);
    const text = lines.join('\n');
    for (const part of [facts.kioskUrl, facts.cloudUrl, facts.simUrl, 'demo-2: 12345678'])
      expect(text).toContain(part);
    expect(text).toContain(`npm run simctl -- --url ${facts.simUrl} item 0 5 on`);
    expect(text).toContain('.data/npm-start.log');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(120);
  });

  it('says so when no code is waiting', () => {
    expect(summary({ ...facts, codes: [] }).join('\n')).toContain('Codes waiting  none');
  });
});
