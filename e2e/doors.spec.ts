/**
 * Doors with a way out (issue 11, points 2 and 3), on the real kiosk and the simulated Kerong
 * bus: "door didn't open" gets one reopen of the same door, then a fault; a jammed board is
 * shown as a fault and never burns compartment after compartment; a parcel left inside is a
 * warning with "open again"; a return that doesn't fit asks for the first door to be closed.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Locker } from './fixtures';
import { deposited } from './testSupport/deposited';
import { checkScreen } from './testSupport/screenCheck';

async function enterCode(page: Page, code: string, open = 'Open the door'): Promise<void> {
  for (const digit of code)
    await page.getByRole('button', { name: `Digit ${digit}`, exact: true }).click();
  await page.getByRole('button', { name: open }).click();
}

const tone = (page: Page) => page.locator('main').getAttribute('data-tone');
const boardOf = (locker: Locker, id: string) =>
  locker.kiosk.core.compartments().find((c) => c.id === id)!.board;
const outOfService = (locker: Locker) =>
  locker.kiosk.core
    .compartments()
    .filter((c) => c.state === 'out_of_service')
    .map((c) => c.id);

test("a customer's door that does not open: one reopen, then a fault with help; the code still works", async ({
  page,
  locker,
}, testInfo) => {
  const { code, door } = await deposited(locker, 'd1');
  await locker.fault(boardOf(locker, door), 'jam', true);
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await enterCode(page, code);
  const title = page.getByTestId('door-title');
  await expect(title).toHaveText(`Opening door ${door}…`);
  // The renderer's own clock: after five seconds the screen says what to do.
  await expect(page.getByTestId('door-body')).toContainText('should be open by now', {
    timeout: 8_000,
  });
  await checkScreen(page, testInfo, 'pickup-door-still-shut');
  await page.getByRole('button', { name: "Door didn't open" }).click();
  await expect(title).toHaveText(`Opening door ${door} once more…`);
  await page.getByRole('button', { name: "It still didn't open" }).click();
  await expect(title).toHaveText(`Door ${door} did not open`);
  expect(await tone(page)).toBe('error');
  await page.getByRole('button', { name: 'Help' }).click();
  await expect(page.getByText(/Customer support can help/)).toBeVisible();
  await checkScreen(page, testInfo, 'pickup-door-failed');
  expect(outOfService(locker)).toEqual([door]);
  expect(locker.kiosk.core.compartments().find((c) => c.id === door)!.state).toBe('out_of_service');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
});

test('a parcel left inside is a warning, and the door opens again once', async ({
  page,
  locker,
}, testInfo) => {
  const { code, door } = await deposited(locker, 'd2');
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await enterCode(page, code);
  const title = page.getByTestId('door-title');
  await expect(title).toHaveText(`Door ${door} is open`);
  await locker.closeDoor(door, true); // closed with the parcel still inside
  await expect(title).toHaveText('Your parcel is still inside');
  expect(await tone(page)).toBe('warning');
  await checkScreen(page, testInfo, 'pickup-not-taken');
  await page.getByRole('button', { name: `Open door ${door} again` }).click();
  await expect(title).toHaveText(`Door ${door} is open`);
  await locker.closeDoor(door, false);
  await expect(title).toHaveText('Thank you!');
  expect(await tone(page)).toBe('ok');
  await checkScreen(page, testInfo, 'pickup-done');
});

test("a return that doesn't fit: close the first door, then a larger one opens", async ({
  page,
  locker,
}, testInfo) => {
  const code = locker.expectReturn('RET-D3', 'S');
  await locker.open(page);
  await page.getByRole('button', { name: /Return a parcel/ }).click();
  await enterCode(page, code, 'Open a door');
  const title = page.getByTestId('door-title');
  await expect(title).toHaveText(/Door [A-C]\d is open/);
  const first = (await title.textContent())!.match(/([A-C]\d)/)![1]!;
  await checkScreen(page, testInfo, 'return-door-open');
  await page.getByRole('button', { name: "It doesn't fit" }).click();
  await expect(page.getByTestId('door-body')).toHaveText(
    `Take your parcel out of door ${first} and close the door.`,
  );
  await checkScreen(page, testInfo, 'return-close-first');
  await locker.closeDoor(first, false);
  await page
    .getByRole('button', { name: `Door ${first} is empty and closed: open a larger door` })
    .click();
  await expect(title).not.toContainText(first);
  await expect(title).toHaveText(/(Opening door|Door) [A-C]\d/);
  const second = (await title.textContent())!.match(/([A-C]\d)/)![1]!;
  expect(second).not.toBe(first);
  await locker.closeDoor(second, true);
  await expect(title).toHaveText('Return received');
});

test('a jammed board: the courier gets one reopen, one other door, then a fault; no third compartment is taken', async ({
  page,
  locker,
}, testInfo) => {
  locker.announce({ id: 'd4', heightMm: 60 });
  await locker.fault(0, 'jam', true);
  await locker.fault(1, 'jam', true);
  await locker.open(page);
  await locker.scan(locker.badge('courier', 'cleo'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await locker.scan('TRKD4');
  const line = page.getByTestId('deposit-line');
  await expect(line).toHaveText(/^Opening door [A-C]\d for TRKD4…$/);
  const first = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  // A scan while the door is in play is answered, not dropped.
  await locker.scan('TRKOTHER');
  await expect(page.getByText(`Finish with door ${first} first`, { exact: false })).toBeVisible();
  await page.getByRole('button', { name: "Door didn't open" }).click();
  await expect(line).toHaveText(`Opening door ${first} once more for TRKD4…`);
  await page.getByRole('button', { name: "It still didn't open" }).click();
  await expect(page.getByText(`Door ${first} did not open and is out of service.`)).toBeVisible();
  await checkScreen(page, testInfo, 'courier-another-door');
  const second = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  expect(second).not.toBe(first);
  await page.getByRole('button', { name: "Door didn't open" }).click();
  await expect(line).toHaveText(`Opening door ${second} once more for TRKD4…`);
  await page.getByRole('button', { name: "It still didn't open" }).click();
  const fault = page.getByRole('alert');
  await expect(fault).toHaveText(
    'Doors on this locker are not opening. Keep parcel TRKD4 and report the locker.',
  );
  await expect(fault).toHaveClass(/notice-error/);
  await checkScreen(page, testInfo, 'courier-doors-not-opening');
  expect(outOfService(locker).sort()).toEqual([first, second].sort());
  // Scanning the parcel again takes no third compartment.
  await locker.scan('TRKD4');
  await expect(fault).toBeVisible();
  expect(outOfService(locker)).toHaveLength(2);
});

test('a door the detection window finds jammed is shown as a fault, not left "opening"', async ({
  page,
  locker,
}) => {
  locker.announce({ id: 'd5', heightMm: 60 });
  await locker.fault(0, 'jam', true);
  await locker.fault(1, 'jam', true);
  await locker.open(page);
  await locker.scan(locker.badge('courier', 'dora'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await locker.scan('TRKD5');
  const line = page.getByTestId('deposit-line');
  await expect(line).toHaveText(/^Opening door [A-C]\d for TRKD5…$/);
  const door = (await line.textContent())!.match(/door ([A-C]\d)/)![1]!;
  await locker.advance(10_000); // policy.doors.openDetectSec: the detection window
  await expect(line).toHaveText(
    `Door ${door} did not open and is out of service now. Scan the parcel again.`,
  );
  await expect(line).toHaveClass(/error/);
});
