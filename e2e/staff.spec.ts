/**
 * Staff journeys: badge typed by a keyboard-wedge scanner; reasons as buttons (kept across
 * actions on the same compartment) or typed on the on-screen keyboard; out of service and back,
 * remote open; events in words; a silent lock board shown as a fault (issue 11, point 5).
 */
import { expect, test } from './fixtures';
import { checkScreen } from './testSupport/screenCheck';

test('staff log in with a wedge scanner, take a compartment out of service and back, and open a door', async ({
  page,
  locker,
}, testInfo) => {
  await locker.open(page);
  // A keyboard-wedge scanner types the badge as a fast burst ended by Enter.
  await locker.wedgeScan(page, locker.badge('staff', 'sam'));
  await expect(page.getByRole('heading', { name: 'Service' })).toBeVisible();
  await checkScreen(page, testInfo, 'staff-start');

  await page.getByRole('button', { name: /^B2, S, Free/ }).click();
  await expect(page.getByRole('button', { name: 'Take out of service' })).toBeDisabled();
  await page.getByRole('button', { name: 'Door stuck' }).click();
  await page.getByRole('button', { name: 'Take out of service' }).click();
  await expect(page.getByText('Compartment B2 is out of service.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^B2, S, Out of service/ })).toBeVisible();
  await checkScreen(page, testInfo, 'staff-grid');
  expect(locker.kiosk.core.compartments().find((c) => c.id === 'B2')!.state).toBe('out_of_service');

  // The reason stays with B2: "Back in service" needs no new one.
  await expect(page.getByRole('button', { name: 'Door stuck' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await page.getByRole('button', { name: 'Back in service' }).click();
  await expect(page.getByRole('button', { name: /^B2, S, Free/ })).toBeVisible();

  // A reason of one's own, typed on the on-screen keyboard.
  await page.getByRole('button', { name: 'Other…' }).click();
  const keyboard = page.getByRole('dialog', { name: 'Type a reason' });
  for (const key of 'hinge 2')
    await keyboard.getByRole('button', { name: key === ' ' ? 'Space' : key, exact: true }).click();
  await expect(keyboard.getByRole('textbox')).toHaveValue('hinge 2');
  await checkScreen(page, testInfo, 'staff-keyboard');
  await keyboard.getByRole('button', { name: 'Use this reason' }).click();
  await page.getByRole('button', { name: 'Open door' }).click();
  await expect(page.getByText('Door B2 opened.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^B2, S, Free, Door open/ })).toBeVisible();
  await locker.closeDoor('B2', false);
  await expect(page.getByRole('button', { name: /^B2, S, Free$/ })).toBeVisible();

  await page.getByRole('tab', { name: 'Recent events' }).click();
  const events = page.getByTestId('recent-events');
  await expect(events.locator('li[data-type="staff.door_opened"] strong')).toHaveText(
    'Door opened by staff',
  );
  await expect(events.locator('li[data-type="staff.door_opened"]')).toContainText(
    'B2 · hinge 2 · staff:sam',
  );
  await expect(events.locator('li[data-type="compartment.out_of_service"]').first()).toContainText(
    'B2 · Door stuck · staff:sam',
  );
  await checkScreen(page, testInfo, 'staff-events');
});

test('a lock board that stops answering is shown as a fault on the system tab', async ({
  page,
  locker,
}, testInfo) => {
  await locker.open(page);
  await locker.wedgeScan(page, locker.badge('staff', 'sam'));
  await expect(page.getByRole('heading', { name: 'Service' })).toBeVisible();
  await page.getByRole('tab', { name: 'System' }).click();
  const board = page.getByTestId('diagnostics').locator('dt:has-text("Lock board") + dd');
  await expect(board).toHaveText('OK');
  await expect(page.getByTestId('diagnostics')).toContainText('Offline');
  await locker.fault(1, 'silent', true);
  // The tab re-reads on the next change it hears of; switch tabs to read it now.
  await expect(async () => {
    await page.getByRole('tab', { name: 'Compartments' }).click();
    await page.getByRole('tab', { name: 'System' }).click();
    await expect(board).toContainText('Board 1 not answering since', { timeout: 1000 });
  }).toPass();
  await expect(board).toHaveText(/^Fault · /);
  await checkScreen(page, testInfo, 'staff-system');
  await locker.fault(1, 'silent', false);
  await expect(async () => {
    await page.getByRole('tab', { name: 'Compartments' }).click();
    await page.getByRole('tab', { name: 'System' }).click();
    await expect(board).toHaveText(/^OK · Last fault: board 1/, { timeout: 1000 });
  }).toPass();
});

test('a courier badge from a wedge scanner logs the courier in from the home screen', async ({
  page,
  locker,
}) => {
  await locker.open(page);
  await locker.wedgeScan(page, locker.badge('courier', 'eve'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
});
