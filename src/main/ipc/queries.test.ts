/** The staff screen's recent events, read from a real event log: door, who and why apart. */
import { describe, expect, it } from 'vitest';
import { startFixture } from '../services/testSupport/kioskFixture';
import { recentEvents } from './queries';

describe('recent events for the staff screen', () => {
  it('names the door, who and why of each event, newest first, the rest as a summary', async () => {
    const f = await startFixture();
    const staff = { role: 'staff' as const, subject: 'sam' };
    expect(f.core.staff.setOutOfService(staff, 'A2', 'door_stuck').ok).toBe(true);
    const [latest] = recentEvents(f.db, 5);
    expect(latest).toMatchObject({
      type: 'compartment.out_of_service',
      compartmentId: 'A2',
      actor: 'staff:sam',
      reason: 'door_stuck',
      summary: '',
    });
    const started = recentEvents(f.db, 50).find((e) => e.type === 'device.started')!;
    expect(started).toMatchObject({ compartmentId: null, actor: null, reason: null });
    expect(started.summary).toMatch(/^compartments: 7, softwareVersion: /);
  });
});
