/** Customer journeys: pickup by code and by QR, wrong codes and throttling, expiry, returns. */
import type { Page } from '@playwright/test';
import type { LockerPolicyResponse } from '../src/shared/rest/schemas';
import { allocation, pickupCode } from '../cloud-mock/integration/stand';
import { returnReference } from '../src/shared/returnReference';
import { expect, test } from './fixtures';
import { deposited } from './testSupport/deposited';
import { readQrOnScreen } from './testSupport/qrOnScreen';
import { checkScreen } from './testSupport/screenCheck';

async function typeCode(page: Page, code: string): Promise<void> {
  for (const digit of code)
    await page.getByRole('button', { name: `Digit ${digit}`, exact: true }).click();
}

test('a customer picks up a parcel with the keypad', async ({ page, locker }, testInfo) => {
  const { code, door } = await deposited(locker, 'c1');
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, code.slice(0, 5) + '9');
  await page.getByRole('button', { name: 'Delete last digit' }).click();
  await typeCode(page, code.slice(5));
  await checkScreen(page, testInfo, 'pickup-keypad');
  await page.getByRole('button', { name: 'Open the door' }).click();
  await expect(page.getByTestId('door-title')).toHaveText(`Door ${door} is open`);
  await expect(
    page.getByRole('img', { name: `Locker front, door ${door} highlighted` }),
  ).toBeVisible();
  await checkScreen(page, testInfo, 'pickup-door-open');
  await locker.closeDoor(door, false);
  await expect(page.getByTestId('door-title')).toHaveText('Thank you!');
  await expect(page.getByText('Your parcel has been picked up.')).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
});

test('the keypad screen fits every code length from 6 to 10 digits', async ({
  page,
  locker,
}, testInfo) => {
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, '1234567890');
  await expect(page.getByTestId('code-display')).toContainText('1 2 3 4 5 6 7 8 9 0');
  await checkScreen(page, testInfo, 'pickup-keypad-10-digits');
  // A longer code than the locker's own length (6 here) adds boxes: none may push the page wider.
  for (const length of [6, 7, 8, 9]) {
    await page.getByRole('button', { name: 'Clear' }).click();
    await typeCode(page, '9876543210'.slice(0, length));
    await expect(page.getByTestId('code-display').locator('.code-cell.filled')).toHaveCount(length);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
  }
});

test('a customer picks up with an 8-digit code the cloud issued, typed on the keypad', async ({
  page,
  cloudLocker,
}) => {
  test.setTimeout(120_000);
  const { stand, unit } = cloudLocker;
  const policy = await stand.call<LockerPolicyResponse>(
    'PUT',
    `/api/v1/lockers/${unit.lockerId}/policy`,
    { codeLength: 8 },
  );
  await expect.poll(() => stand.commandStatus(policy.commandId)?.status).toBe('done');
  await stand.call('POST', '/api/v1/allocations', allocation(unit.lockerId, 'p-eight'), 201);
  await expect.poll(() => unit.parcel('p-eight')?.state).toBe('expected');
  const courier = unit.login((await stand.badge('courier', 'courier-eight')).token);
  const { compartmentId: door } = await unit.deposit(courier, 'TRKP-EIGHT');
  const code = await pickupCode(stand, 'p-eight');
  expect(code).toMatch(/^[0-9]{8}$/);

  await cloudLocker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  // The kiosk tells the screen the locker's length: eight boxes.
  await expect(page.getByTestId('code-display').locator('.code-cell')).toHaveCount(8);
  const open = page.getByRole('button', { name: 'Open the door' });
  await typeCode(page, code.slice(0, 5));
  await expect(open).toBeDisabled();
  await typeCode(page, code.slice(5));
  await expect(page.getByTestId('code-display')).toContainText(code.split('').join(' '));
  await open.click();
  await expect(page.getByTestId('door-title')).toHaveText(`Door ${door} is open`);
  await unit.shut(door, false);
  await expect(page.getByTestId('door-title')).toHaveText('Thank you!');
  await expect.poll(() => unit.parcel('p-eight')?.state).toBe('picked_up');
});

test('a board that stops answering: the door is not confirmed, nothing else opens, the code still works', async ({
  page,
  locker,
}, testInfo) => {
  const { code, door } = await deposited(locker, 'c9');
  const board = locker.kiosk.core.compartments().find((c) => c.id === door)!.board;
  await locker.fault(board, 'silent', true);
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, code);
  await page.getByRole('button', { name: 'Open the door' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'The locker could not confirm that the door opened.',
  );
  await checkScreen(page, testInfo, 'pickup-door-unknown');
  const compartment = () => locker.kiosk.core.compartments().find((c) => c.id === door)!;
  expect(compartment().state).toBe('out_of_service');
  // The board answers again: its IR still sees the parcel, so nothing was taken; the
  // compartment comes back and the same code opens it.
  await locker.fault(board, 'silent', false);
  await expect.poll(() => compartment().state).toBe('occupied');
  await page.getByRole('button', { name: 'Clear' }).click();
  await typeCode(page, code);
  await page.getByRole('button', { name: 'Open the door' }).click();
  await expect(page.getByTestId('door-title')).toHaveText(`Door ${door} is open`);
});

test('a customer picks up a parcel by scanning the QR code from the home screen', async ({
  page,
  locker,
}) => {
  const { door } = await deposited(locker, 'c2');
  await locker.open(page);
  await locker.scan(locker.qr('c2')); // the token QR the cloud sends (LKP2:…)
  await expect(page.getByTestId('door-title')).toHaveText(
    new RegExp(`Door ${door} is open|Opening door ${door}`),
  );
  await expect(page.getByTestId('door-title')).toHaveText(`Door ${door} is open`);
  await locker.closeDoor(door, false);
  await expect(page.getByTestId('door-title')).toHaveText('Thank you!');
});

test('wrong and used codes get one neutral message, then entry is throttled with a countdown', async ({
  page,
  locker,
}, testInfo) => {
  const { code, door } = await deposited(locker, 'c3');
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, code);
  await page.getByRole('button', { name: 'Open the door' }).click();
  await locker.closeDoor(door, false);
  await page.getByRole('button', { name: 'Done' }).click();

  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, code); // already used
  await page.getByRole('button', { name: 'Open the door' }).click();
  const neutral = 'This code cannot be used. Please check it and try again.';
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(neutral);
  const wrong = code === '000000' ? '111111' : '000000';
  await typeCode(page, wrong);
  await page.getByRole('button', { name: 'Open the door' }).click();
  // The refused code stays next to the message, with the tries left before the keypad waits.
  const display = page.getByTestId('code-display');
  await expect(display).toContainText(`${wrong.split('').join(' ')} (not accepted)`);
  await expect(alert).toContainText(neutral);
  await expect(page.getByTestId('attempts-left')).toHaveText(
    'You can try 3 more times before the keypad makes you wait.',
  );
  await checkScreen(page, testInfo, 'pickup-wrong-code');
  // The sixth failure in a row makes the keypad wait (policy default: a debt of 5 is free).
  for (const left of ['2 more times', '1 more time', 'The next wrong code', null]) {
    await typeCode(page, wrong);
    await page.getByRole('button', { name: 'Open the door' }).click();
    if (left) await expect(page.getByTestId('attempts-left')).toContainText(left);
  }
  await expect(page.getByTestId('throttle-countdown')).toContainText(/wait \d+ seconds/);
  await expect(page.getByRole('button', { name: 'Digit 5', exact: true })).toBeDisabled();
  await checkScreen(page, testInfo, 'pickup-throttled');
  // Leaving and coming back keeps the countdown: it comes from the kiosk, not the screen.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await expect(page.getByTestId('throttle-countdown')).toBeVisible();
});

test('an expired parcel sends the customer to support', async ({ page, locker }, testInfo) => {
  const { code } = await deposited(locker, 'c4', 1);
  await locker.advance(2 * 86_400_000);
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  await typeCode(page, code);
  await page.getByRole('button', { name: 'Open the door' }).click();
  await expect(page.getByRole('alert')).toContainText('Please contact customer support');
  await checkScreen(page, testInfo, 'pickup-expired');
});

test('a customer drops a return and gets a receipt', async ({ page, locker }, testInfo) => {
  const code = locker.expectReturn('RET-42', 'M');
  await locker.open(page);
  await page.getByRole('button', { name: /Return a parcel/ }).click();
  await typeCode(page, code);
  await checkScreen(page, testInfo, 'return-keypad');
  await page.getByRole('button', { name: 'Open a door' }).click();
  await expect(page.getByTestId('door-title')).toHaveText(/Door [A-C]\d is open/);
  const door = (await page.getByTestId('door-title').textContent())!.match(/Door ([A-C]\d)/)![1]!;
  await locker.closeDoor(door, true);
  await expect(page.getByTestId('door-title')).toHaveText('Return received');
  // The short reference the customer keeps, not the return's 36-character id.
  await expect(page.getByTestId('return-reference')).toHaveText(returnReference('RET-42'));
  await expect(page.getByTestId('receipt')).toContainText(door);
  await checkScreen(page, testInfo, 'return-receipt');

  // The receipt's QR code, read off the screen, is what a courier's scanner sends to collect it.
  const qr = page.getByRole('img', { name: `QR code of reference ${returnReference('RET-42')}` });
  const reading = await readQrOnScreen(qr);
  expect(reading).toMatchObject({ text: returnReference('RET-42'), version: 1, level: 'H' });
  await page.getByRole('button', { name: 'Done' }).click();
  await locker.scan(locker.badge('courier', 'erin'));
  await page.getByRole('button', { name: 'Collect expired parcels and returns' }).click();
  await page.getByRole('button', { name: `Open door ${door}` }).click();
  await locker.waitForDoor(door, true);
  await locker.scan(reading.text);
  await expect(page.getByText(`${reading.text} taken out of door ${door}.`)).toBeVisible();
  await locker.closeDoor(door, false);
  await expect(page.getByTestId('collection-count')).toHaveText('Nothing left to collect.');
  expect(locker.kiosk.core.compartments().find((c) => c.id === door)!.state).toBe('available');
});

test('a return QR scanned on the home screen opens the return flow', async ({ page, locker }) => {
  locker.expectReturn('RET-QR', 'S');
  await locker.open(page);
  await locker.scan(locker.qr('RET-QR'));
  await expect(page.getByTestId('door-title')).toHaveText(/(Opening door|Door) [A-C]\d/);
  const door = (await page.getByTestId('door-title').textContent())!.match(/([A-C]\d)/)![1]!;
  await locker.closeDoor(door, true);
  await expect(page.getByTestId('door-title')).toHaveText('Return received');
});

test('a pickup QR opens the door while the keypad waits out its delay', async ({
  page,
  locker,
}) => {
  const { door } = await deposited(locker, 'c7');
  await locker.open(page);
  await page.getByRole('button', { name: /Pick up a parcel/ }).click();
  for (let i = 0; i < 6; i++) {
    await typeCode(page, '00000000');
    await page.getByRole('button', { name: 'Open the door' }).click();
    await expect(page.getByTestId('code-display')).toContainText('(not accepted)');
  }
  await expect(page.getByTestId('throttle-countdown')).toContainText(/wait \d+ seconds/);
  await locker.scan(locker.qr('c7'));
  await expect(page.getByTestId('door-title')).toHaveText(
    new RegExp(`Door ${door} is open|Opening door ${door}`),
  );
});

test('the renderer has no Node access', async ({ page, locker }) => {
  await locker.open(page);
  const globals = await page.evaluate(() => {
    const w = globalThis as Record<string, unknown>;
    return {
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      buffer: typeof w.Buffer,
    };
  });
  expect(globals).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    buffer: 'undefined',
  });
});
