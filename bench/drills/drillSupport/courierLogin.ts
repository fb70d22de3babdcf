/**
 * Drill support: a courier badge signed with the cloud's key, presented to the kiosk's IPC
 * handler table as the scanner would, so deposits go through the screens' own channel.
 */
import type { KeyObject } from 'node:crypto';
import type { KioskIpc } from '../../../src/main/ipc/kioskIpc';
import { issueBadgeToken } from '../../../src/shared/node/badgeToken';

export async function courierLogin(
  ipc: KioskIpc,
  cloudPrivateKey: KeyObject,
  now = Date.now(),
): Promise<void> {
  const token = issueBadgeToken(
    {
      id: 'drill-courier',
      role: 'courier',
      sub: 'drill-courier',
      iat: new Date(now - 60_000).toISOString(),
      exp: new Date(now + 366 * 86_400_000).toISOString(),
    },
    cloudPrivateKey,
  );
  const login = await ipc.handlers['session:badge']({ token });
  if (!login.ok) throw new Error(`courier login refused: ${JSON.stringify(login.error)}`);
}
