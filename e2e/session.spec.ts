/**
 * A fresh start for every person at the locker (issue 11, point 4): the language and text size
 * someone chose end with their session (Done, Log out, idle), and an idle return to the start
 * says why.
 */
import { expect, test } from './fixtures';
import { deposited } from './testSupport/deposited';
import { checkScreen } from './testSupport/screenCheck';

test('a customer picks up in German with large text; Done leaves English and normal text for the next person', async ({
  page,
  locker,
}) => {
  const { code, door } = await deposited(locker, 's1');
  await locker.open(page);
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await page.getByTestId('large-text').click();
  await page.getByRole('button', { name: /Paket abholen/ }).click();
  for (const digit of code)
    await page.getByRole('button', { name: `Ziffer ${digit}`, exact: true }).click();
  await page.getByRole('button', { name: 'Fach öffnen' }).click();
  await expect(page.getByTestId('door-title')).toHaveText(`Fach ${door} ist offen`);
  await locker.closeDoor(door, false);
  await expect(page.getByTestId('door-title')).toHaveText('Vielen Dank!');
  await page.getByRole('button', { name: 'Fertig' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('large-text')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('.kiosk')).not.toHaveClass(/large-text/);
});

test('a courier who logs out leaves the default settings', async ({ page, locker }) => {
  await locker.open(page);
  await page.getByRole('button', { name: 'Polski' }).click();
  await page.getByTestId('large-text').click();
  await locker.scan(locker.badge('courier', 'ola'));
  await expect(page.getByRole('heading', { name: 'Doręczenia' })).toBeVisible();
  await page.getByRole('button', { name: 'Wyloguj' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await expect(page.getByTestId('large-text')).toHaveAttribute('aria-pressed', 'false');
});

test('a screen left alone goes back to the start in the default settings and says why', async ({
  page,
  locker,
}, testInfo) => {
  // The page's own clock, moved on instead of waiting a minute.
  await page.clock.install();
  await locker.open(page);
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await page.getByTestId('large-text').click();
  await page.getByRole('button', { name: /Paket abholen/ }).click();
  await expect(page.getByRole('heading', { name: 'Paket abholen' })).toBeVisible();
  await page.clock.fastForward(50_000);
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await checkScreen(page, testInfo, 'idle-warning');
  await page.clock.fastForward(11_000);
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  const notice = page.getByText(
    'The screen went back to the start because nothing happened for a while.',
  );
  await expect(notice).toBeVisible();
  await expect(page.getByTestId('large-text')).toHaveAttribute('aria-pressed', 'false');
  await checkScreen(page, testInfo, 'home-after-idle');
  // Not for the next person: the notice goes after a while.
  await page.clock.fastForward(21_000);
  await expect(notice).toBeHidden();
});

test('customers see at most that the locker works offline; couriers see the link and the outbox', async ({
  page,
  locker,
}) => {
  await locker.open(page);
  const bar = page.getByTestId('status-bar');
  await expect(bar.getByTestId('link-status')).toHaveText('Works offline');
  await expect(bar).not.toContainText(/events? waiting|All events sent/);
  await locker.scan(locker.badge('courier', 'ola'));
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  await expect(bar.getByTestId('link-status')).toHaveText('Offline');
  await expect(bar.getByTestId('events-waiting')).toHaveText(/^\d+ events? waiting$/);
});
