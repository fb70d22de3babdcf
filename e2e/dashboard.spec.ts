/**
 * The cloud's dashboard in Chromium against the real cloud-mock: it asks for an API key before
 * it shows anything, keeps the key for the tab, shows a read-only key no inbox, and a key the
 * cloud refuses (a wrong one, one revoked while the page is open) brings the form back.
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
  await expect(page.getByRole('alert')).toContainText('did not accept');
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

  // Revoked while the page is open: the next refresh (every 3 s) asks for a key again.
  const db = openDatabase(join(stand.dataDir, 'cloud.sqlite'));
  revokeKey(db, API_KEY_PATTERN.exec(operator)![1]!, Date.now());
  db.close();
  await expect(keyField).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('alert')).toContainText('did not accept');
  await expect(page.locator('#lockers').getByText('Locker dash-e2e-1')).toBeHidden();
});
