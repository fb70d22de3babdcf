/** Staff journeys: badge typed by a keyboard-wedge scanner, out of service and back, remote open. */
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

  const cell = page.getByRole('button', { name: /^B2, S, Free/ });
  await cell.click();
  const reason = page.getByRole('textbox', { name: 'Reason' });
  await expect(page.getByRole('button', { name: 'Take out of service' })).toBeDisabled();
  await reason.fill('hinge loose');
  await page.getByRole('button', { name: 'Take out of service' }).click();
  await expect(page.getByText('Compartment B2 is out of service.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^B2, S, Out of service/ })).toBeVisible();
  await checkScreen(page, testInfo, 'staff-grid', { docs: true });
  expect(locker.kiosk.core.compartments().find((c) => c.id === 'B2')!.state).toBe('out_of_service');

  await reason.fill('hinge fixed');
  await page.getByRole('button', { name: 'Back in service' }).click();
  await expect(page.getByRole('button', { name: /^B2, S, Free/ })).toBeVisible();

  await reason.fill('inspection');
  await page.getByRole('button', { name: 'Open door' }).click();
  await expect(page.getByText('Door B2 opened.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^B2, S, Free, Door open/ })).toBeVisible();
  await locker.closeDoor('B2', false);
  await expect(page.getByRole('button', { name: /^B2, S, Free$/ })).toBeVisible();

  await page.getByRole('tab', { name: 'Recent events' }).click();
  await expect(page.getByTestId('recent-events')).toContainText('staff.door_opened');
  await expect(page.getByTestId('recent-events')).toContainText('compartment.out_of_service');
  await checkScreen(page, testInfo, 'staff-events', { docs: true });
  await page.getByRole('tab', { name: 'System' }).click();
  await expect(page.getByTestId('diagnostics')).toContainText('Lock board');
  await expect(page.getByTestId('diagnostics')).toContainText('Offline');
  await checkScreen(page, testInfo, 'staff-system', { docs: true });
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
