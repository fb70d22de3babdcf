/**
 * The cloud's dashboard in Chromium against the real cloud-mock: it asks for an API key before
 * it shows anything, keeps the key for the tab, shows a read-only key no inbox, and a key the
 * cloud refuses (a wrong one, one revoked while the page is open) brings the form back. Its forms
 * create a parcel and a courier badge that a real kiosk (on Mosquitto) then serves end to end.
 */
import { join } from 'node:path';
import { API_KEY_PATTERN } from '../src/shared/rest/apiKeys';
import { provisionLocker, startStand, type CloudStand } from '../cloud-mock/integration/stand';
import { revokeKey } from '../cloud-mock/services/apiKeys';
import { openDatabase } from '../cloud-mock/store/database';
import { mintKey } from '../cloud-mock/testSupport/cloudFixture';
import { expect, test } from './fixtures';

let stand: CloudStand;
test.beforeAll(async () => {
  stand = await startStand('aedes');
  await provisionLocker(stand, 'dash-e2e-1');
});
test.afterAll(() => stand.close());

test('the dashboard asks for a key, keeps it for the tab, and a refused key brings the form back', async ({
  page,
}) => {
  await page.goto(`${stand.httpUrl}/`);
  const keyField = page.getByRole('textbox', { name: 'API key' });
  await expect(keyField).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Lockers', exact: true })).toBeHidden();

  await keyField.fill('plk_000000000000_' + 'A'.repeat(43));
  await page.getByRole('button', { name: 'Use key' }).click();
  await expect(page.locator('#key-message')).toContainText('did not accept');
  await expect(keyField).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/dashboard-key-refused.png' });

  // A read-only key: the lockers, but the inbox (plain codes) stays closed.
  await keyField.fill(stand.keys.dashboard);
  await page.getByRole('button', { name: 'Use key' }).click();
  await expect(page.locator('#lockers').getByText('Locker dash-e2e-1')).toBeVisible();
  await expect(page.locator('#inbox')).toHaveText(
    'The inbox holds plain pickup codes: it needs an operator key.',
  );
  await page.screenshot({ path: 'e2e/screenshots/dashboard-read-only.png', fullPage: true });
  // The key stays with the tab across a reload, so the form does not come back.
  await page.reload();
  await expect(page.locator('#lockers').getByText('Locker dash-e2e-1')).toBeVisible();
  await expect(keyField).toBeHidden();

  await page.getByRole('button', { name: 'Forget key' }).click();
  await expect(keyField).toBeVisible();
  const operator = mintKey(stand.dataDir, 'operator', 'e2e dashboard');
  await keyField.fill(operator);
  await page.getByRole('button', { name: 'Use key' }).click();
  await expect(page.locator('#inbox')).toHaveText('No notifications yet.');

  // Revoked while the page is open: the live stream ends at its next heartbeat (15 s), and its
  // reconnect (or the 30-s refresh) is refused, so the page asks for a key again.
  const db = openDatabase(join(stand.dataDir, 'cloud.sqlite'));
  revokeKey(db, API_KEY_PATTERN.exec(operator)![1]!, Date.now());
  db.close();
  await expect(keyField).toBeVisible({ timeout: 25_000 });
  await expect(page.locator('#key-message')).toContainText('did not accept');
  await expect(page.locator('#lockers').getByText('Locker dash-e2e-1')).toBeHidden();
});

test('a parcel and a badge created on the dashboard: the courier deposits it, the customer picks it up with the code shown', async ({
  page,
  cloudLocker,
}) => {
  test.setTimeout(120_000);
  const { stand, unit } = cloudLocker;
  await page.goto(`${stand.httpUrl}/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(stand.keys.operator);
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByRole('combobox', { name: 'At locker' }).selectOption(unit.lockerId);

  const parcelForm = page.locator('#parcel-form');
  await parcelForm.getByRole('textbox', { name: 'Parcel id' }).fill('P-DASH');
  await parcelForm.getByRole('textbox', { name: 'Tracking barcode' }).fill('TRKDASH');
  await parcelForm.getByRole('button', { name: 'Create parcel' }).click();
  const answer = page.locator('#parcel-form-answer');
  await expect(answer).toContainText(`Parcel P-DASH allocated at ${unit.lockerId}: allocation`);
  await expect.poll(() => unit.parcel('P-DASH')?.state).toBe('expected');

  // The courier's badge comes from the dashboard too.
  const badgeForm = page.locator('#badge-form');
  await badgeForm.getByRole('textbox', { name: 'Holder' }).fill('dora');
  await badgeForm.getByRole('button', { name: 'Create badge' }).click();
  const token = await page.getByRole('textbox', { name: 'Badge token' }).inputValue();
  const { compartmentId: door } = await unit.deposit(unit.login(token), 'TRKDASH');

  // Once the parcel is in, the answer shows the pickup code the customer was sent.
  const shownCode = answer.locator('.pickup-code .code');
  await expect(shownCode).toHaveText(/^[0-9]{6,10}$/, { timeout: 15_000 });
  const code = (await shownCode.textContent())!;
  await page.screenshot({ path: 'e2e/screenshots/dashboard-forms.png', fullPage: true });

  const kiosk = await page.context().newPage();
  await cloudLocker.open(kiosk);
  await kiosk.getByRole('button', { name: /Pick up a parcel/ }).click();
  for (const digit of code)
    await kiosk.getByRole('button', { name: `Digit ${digit}`, exact: true }).click();
  await kiosk.getByRole('button', { name: 'Open the door' }).click();
  await expect(kiosk.getByTestId('door-title')).toHaveText(`Door ${door} is open`);
  await unit.shut(door, false);
  await expect(kiosk.getByTestId('door-title')).toHaveText('Thank you!');
  await expect.poll(() => unit.parcel('P-DASH')?.state).toBe('picked_up');
});
