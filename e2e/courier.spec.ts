/** Courier journeys: badge login, deposits with "doesn't fit", collection with scan-out. */
import { returnReference } from '../src/shared/returnReference';
import { expect, test } from './fixtures';
import { deposited } from './testSupport/deposited';
import { checkScreen } from './testSupport/screenCheck';

test('a courier logs in with a badge, deposits two parcels and sees them in the visit list', async ({
  page,
  locker,
}, testInfo) => {
  locker.announce({ id: 'p1', heightMm: 60 });
  locker.announce({ id: 'p2', heightMm: 150 });
  await locker.open(page);
  await checkScreen(page, testInfo, 'home');
  await page.getByRole('button', { name: /Courier/ }).click();
  await expect(page.getByRole('heading', { name: 'Courier and staff' })).toBeVisible();
  await checkScreen(page, testInfo, 'courier-login');
  // A parcel before the badge is answered, not ignored.
  await locker.scan('TRKP1');
  await expect(page.getByRole('alert')).toHaveText(
    'This is a parcel label. Log in first: hold your badge under the scanner, then scan the parcel.',
  );
  await checkScreen(page, testInfo, 'courier-login-parcel-first');
  await locker.scan(locker.badge('courier', 'anna'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await checkScreen(page, testInfo, 'courier-start');

  await locker.scan('TRKP1');
  const line = page.getByTestId('deposit-line');
  await expect(line).toContainText(/Put the parcel in door [A-C]\d/);
  const door1 = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  await checkScreen(page, testInfo, 'courier-door-open');
  await locker.closeDoor(door1, true);
  await expect(line).toContainText(`Parcel TRKP1 is in door ${door1}`);
  await expect(page.getByTestId('visit-list')).toContainText('TRKP1');

  await locker.scan('TRKP2');
  await expect(line).toContainText(/Put the parcel in door/);
  const door2 = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  await locker.closeDoor(door2, true);
  await expect(page.getByTestId('visit-list').getByRole('listitem')).toHaveCount(2);
  await checkScreen(page, testInfo, 'courier-visit');
});

test("a parcel that doesn't fit moves to a larger door", async ({ page, locker }, testInfo) => {
  locker.announce({ id: 'p3', heightMm: 60 });
  await locker.open(page);
  await page.getByRole('button', { name: /Courier/ }).click();
  await locker.scan(locker.badge('courier', 'ben'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await locker.scan('TRKP3');
  const line = page.getByTestId('deposit-line');
  await expect(line).toContainText(/Put the parcel in door/);
  const first = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  const size = (id: string) => locker.kiosk.core.compartments().find((c) => c.id === id)!.size;
  expect(size(first)).toBe('S');
  await locker.waitForDoor(first, true);
  // The first door stays the courier's until it is shut again, empty.
  await page.getByRole('button', { name: "Doesn't fit" }).click();
  await expect(line).toHaveText(`Take the parcel out of door ${first} and close it`);
  await checkScreen(page, testInfo, 'courier-close-door-first');
  await locker.closeDoor(first, false);
  await page
    .getByRole('button', { name: `Door ${first} is empty and closed: open a larger one` })
    .click();
  await expect(line).not.toContainText(`door ${first} `);
  await expect(line).toContainText(/Put the parcel in door/);
  const second = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  expect(second).not.toBe(first);
  expect(['M', 'L', 'XL']).toContain(size(second));
  await locker.closeDoor(second, true);
  await expect(line).toContainText(`Parcel TRKP3 is in door ${second}`);
});

test('a courier collects an expired parcel by scan and a return chosen from the list', async ({
  page,
  locker,
}, testInfo) => {
  const { core } = locker.kiosk;
  const { door: parcelDoor } = await deposited(locker, 'old', 1);
  const returnCode = locker.expectReturn('ret-7', 'S');
  const ret = await core.returns.withCode(returnCode, 'code');
  if (!ret.ok) throw new Error(JSON.stringify(ret.error));
  await locker.closeDoor(ret.value.compartmentId, true);
  await locker.advance(2 * 86_400_000);

  await locker.open(page);
  await page.getByRole('button', { name: /Courier/ }).click();
  await locker.scan(locker.badge('courier', 'dana'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await page.getByRole('button', { name: 'Collect expired parcels and returns' }).click();
  await expect(page.getByTestId('collection-count')).toHaveText('2 items to collect');
  const reference = returnReference('ret-7');
  await expect(page.getByTestId('collection-list')).toContainText(reference);
  await checkScreen(page, testInfo, 'collection-list');
  // The expired parcel: its door opened from the list, the parcel scanned out.
  await page.getByRole('button', { name: `Open door ${parcelDoor}` }).click();
  const line = page.getByTestId('collection-line');
  await expect(line).toContainText(`door ${parcelDoor}`);
  await locker.waitForDoor(parcelDoor, true);
  await checkScreen(page, testInfo, 'collection');
  await locker.scan('TRKOLD');
  await expect(page.getByText(`TRKOLD taken out of door ${parcelDoor}.`)).toBeVisible();
  await locker.closeDoor(parcelDoor, false);
  await expect(line).toContainText(`Door ${parcelDoor} is closed.`);
  // The return: chosen from the list, and marked taken out without a scan.
  const door = ret.value.compartmentId;
  await page.getByRole('button', { name: `Open door ${door}` }).click();
  await locker.waitForDoor(door, true);
  await page.getByRole('button', { name: 'Taken out' }).click();
  await expect(page.getByText(`${reference} taken out of door ${door}.`)).toBeVisible();
  await locker.closeDoor(door, false);
  await expect(line).toContainText(`Door ${door} is closed.`);
  await expect(page.getByTestId('collection-count')).toHaveText('Nothing left to collect.');
  await checkScreen(page, testInfo, 'collection-done');
  const states = core.compartments();
  expect(states.find((c) => c.id === parcelDoor)!.state).toBe('available');
  expect(states.find((c) => c.id === ret.value.compartmentId)!.state).toBe('available');
});

test('an unannounced parcel: the courier picks its size, and the door opens', async ({
  page,
  locker,
}, testInfo) => {
  await locker.open(page);
  await locker.scan(locker.badge('courier', 'finn'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await locker.scan('NEW-PARCEL-1');
  await expect(page.getByRole('heading', { name: 'This parcel was not announced' })).toBeVisible();
  await checkScreen(page, testInfo, 'courier-size-choice');
  await page.getByRole('button', { name: 'M · Medium' }).click();
  const line = page.getByTestId('deposit-line');
  await expect(line).toContainText(/door [A-C]\d for NEW-PARCEL-1|Put the parcel in door/);
  const door = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  expect(locker.kiosk.core.compartments().find((c) => c.id === door)!.size).toBe('M');
  await locker.closeDoor(door, true);
  await expect(line).toContainText(`Parcel NEW-PARCEL-1 is in door ${door}`);
});
