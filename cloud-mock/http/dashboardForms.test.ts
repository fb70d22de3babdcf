import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readBadgeToken } from '../../src/shared/node/badgeToken';
import type { LockerDetail } from '../../src/shared/rest/schemas';
import { returnReference } from '../../src/shared/returnReference';
import { enrolledUnit, inbox, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';
import { openDashboard, type Dashboard } from '../testSupport/dashboardDom';

/** The dashboard's forms in jsdom against a real test cloud and an enrolled unit on MQTT. */
describe('dashboard forms', () => {
  let cloud: TestCloud;
  let unit: Awaited<ReturnType<typeof enrolledUnit>>;
  const LOCKER = 'FORMS-1';

  beforeAll(async () => {
    cloud = await startTestCloud();
    unit = await enrolledUnit(cloud, LOCKER, 61);
  });
  afterAll(async () => {
    await unit.link.close();
    await cloud.close();
  });

  const parcels = async () =>
    (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${LOCKER}`)).body.parcels;

  async function opened(key: string): Promise<Dashboard> {
    const page = await openDashboard(cloud, { storedKey: key });
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));
    expect(page.byId('create-locker').value).toBe(LOCKER);
    return page;
  }
  const text = (page: Dashboard, id: string) => page.byId(id).textContent ?? '';

  it('creates a parcel, shows its allocation, and its pickup code once a courier put it in', async () => {
    const page = await opened(cloud.keys.operator);
    page.submit('parcel-form', { 'parcel-id': 'P-FORM1', 'parcel-barcode': 'TRKFORM1' });
    await vi.waitFor(() => expect(text(page, 'parcel-form-answer')).toContain('allocated'));
    const answer = text(page, 'parcel-form-answer');
    expect(answer).toMatch(
      /^Parcel P-FORM1 allocated at FORMS-1: allocation [0-9a-f-]{36}, size S, to be deposited by /,
    );
    expect(answer).toContain('The courier scans TRKFORM1 at the locker.');
    expect(text(page, 'parcel-form-error')).toBe('');
    expect(await parcels()).toContainEqual(
      expect.objectContaining({ parcelId: 'P-FORM1', trackingBarcode: 'TRKFORM1' }),
    );
    // A fresh id for the next one, so a second press is not a duplicate.
    expect(page.byId('parcel-id').value).toMatch(/^P-[0-9A-Z]{6}$/);

    // The unit got the announcement; a courier deposits the parcel; the code reaches the inbox.
    const announced = await unit.link.commands.until((c) => c.type === 'parcel.expect');
    expect(announced.payload['parcelId']).toBe('P-FORM1');
    await unit.link.publishEvents([
      unit.chain.next('parcel.deposited', {
        parcelId: 'P-FORM1',
        trackingBarcode: 'TRKFORM1',
        compartmentId: 'A1',
        courier: 'courier-7',
        expiresAt: new Date(cloud.clock.now() + 3 * 86_400_000).toISOString(),
        announced: true,
      }),
    ]);
    await unit.link.acks.next();
    const [sent] = await inbox(cloud, 'parcelId=P-FORM1');
    page.byId('lockers').querySelector('.locker')!.click(); // any refresh looks again
    await vi.waitFor(() =>
      expect(text(page, 'parcel-form-answer')).toContain(`Pickup code ${sent!.code}`),
    );
    page.close();
  });

  it('creates a return and shows its code and the short reference its receipt will show', async () => {
    const page = await opened(cloud.keys.operator);
    page.submit('return-form', { 'return-size': 'M' });
    await vi.waitFor(() => expect(text(page, 'return-form-answer')).toContain('Reference'));
    const returnId = page.byId('return-form-answer').querySelector('code')!.textContent!;
    const [sent] = await inbox(cloud, `lockerId=${LOCKER}`).then((all) =>
      all.filter((n) => n.returnId === returnId && n.kind === 'return_code'),
    );
    expect(text(page, 'return-form-answer')).toBe(
      `Return expected at ${LOCKER} (size M): return code ${sent!.code}, which the customer types at the locker.` +
        `Reference ${returnReference(returnId)} (on the customer’s receipt, and what the courier scans to collect it) · return ${returnId}`,
    );
    page.close();
  });

  it('issues a badge and shows its token, signed by the cloud, for this locker only if asked', async () => {
    const page = await opened(cloud.keys.operator);
    page.submit('badge-form', { 'badge-subject': 'nora', 'badge-here': true });
    await vi.waitFor(() => expect(text(page, 'badge-form-answer')).toContain('Its token'));
    const token = page.byId('badge-form-answer').querySelector('textarea')!.value;
    expect(readBadgeToken(token, cloud.cloudPublicKey)).toMatchObject({
      ok: true,
      value: { role: 'courier', sub: 'nora', lockers: [LOCKER] },
    });
    page.close();
  });

  it('says in words why the cloud refused, under the field’s own label, and creates nothing', async () => {
    const before = await parcels();
    const page = await opened(cloud.keys.operator);
    page.submit('parcel-form', {
      'parcel-phone': 'call me',
      'parcel-email': '',
      'parcel-weight': '',
    });
    await vi.waitFor(() => expect(text(page, 'parcel-form-error')).not.toBe(''));
    expect(text(page, 'parcel-form-error')).toBe(
      'The cloud did not create the parcel: Weight (g): Invalid input: expected number, received undefined; ' +
        'Phone: expected a phone number like +49 30 1234567.',
    );
    expect(text(page, 'parcel-form-answer')).toBe('');
    page.submit('return-form', { 'return-size': 'L' }); // the test layout has one L door…
    await vi.waitFor(() => expect(text(page, 'return-form-answer')).toContain('Reference'));
    page.submit('return-form', { 'return-size': 'L' }); // …and now none free
    await vi.waitFor(() => expect(text(page, 'return-form-error')).not.toBe(''));
    expect(text(page, 'return-form-error')).toBe(
      'The cloud did not create the return: no L compartment is free for a return.',
    );
    expect(text(page, 'return-form-answer')).toBe('');
    page.close();
    expect(await parcels()).toEqual(before);
  });

  it('shows the forms to a read-only key, and the cloud refuses them in words', async () => {
    const before = await parcels();
    const page = await opened(cloud.keys.dashboard);
    page.submit('parcel-form');
    await vi.waitFor(() => expect(text(page, 'parcel-form-error')).not.toBe(''));
    expect(text(page, 'parcel-form-error')).toBe(
      'The cloud did not create the parcel: a dashboard key may not call this (roles: merchant, operator).',
    );
    page.submit('badge-form');
    await vi.waitFor(() => expect(text(page, 'badge-form-error')).not.toBe(''));
    expect(text(page, 'badge-form-error')).toBe(
      'The cloud did not issue the badge: a dashboard key may not call this (roles: operator).',
    );
    expect(page.byId('key-panel').hidden).toBe(true); // refused, not logged out
    page.close();
    expect(await parcels()).toEqual(before);
  });
});
