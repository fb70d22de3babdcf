/**
 * Until the kiosk talks to cloud-mock, the headless runner plays the cloud's part locally: a
 * development cloud key (kept 0600 in the data dir) that signs badges, and parcel
 * announcements with fresh codes whose digests the kiosk stores.
 */
import { createPublicKey, generateKeyPairSync, randomInt, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueBadgeToken } from '../../shared/node/badgeToken';
import { codeDigest } from '../../shared/node/codeDigest';
import { privateKeyFromRaw, privateKeyToRaw } from '../../shared/node/ed25519';
import type { BadgeRole } from '../../shared/domain';
import type { KioskCore } from '../services/kioskCore';

export class DevCloud {
  private constructor(
    readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static open(dataDir: string): DevCloud {
    const file = join(dataDir, 'dev-cloud-key.json');
    if (existsSync(file)) {
      const key = privateKeyFromRaw(
        (JSON.parse(readFileSync(file, 'utf8')) as { privateKey: string }).privateKey,
      );
      return new DevCloud(key, createPublicKey(key));
    }
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, JSON.stringify({ privateKey: privateKeyToRaw(privateKey) }), {
      mode: 0o600,
    });
    return new DevCloud(privateKey, publicKey);
  }

  badge(role: BadgeRole, subject: string): string {
    const now = Date.now();
    return issueBadgeToken(
      {
        id: `${role}-${subject}`,
        role,
        sub: subject,
        iat: new Date(now).toISOString(),
        exp: new Date(now + 30 * 86_400_000).toISOString(),
      },
      this.privateKey,
    );
  }

  /** Announces a parcel the way the cloud would and returns the code it "sent the customer". */
  announce(
    core: KioskCore,
    codeKey: Uint8Array,
    codeLength: number,
    parcel: { id: string; heightMm: number },
  ): string {
    const code = String(randomInt(0, 10 ** codeLength)).padStart(codeLength, '0');
    const r = core.announcements.expectParcel({
      parcelId: parcel.id,
      trackingBarcode: `TRK${parcel.id.toUpperCase()}`,
      dimensions: { lengthMm: 350, widthMm: 250, heightMm: parcel.heightMm },
      weightG: 1500,
      codeDigest: codeDigest(codeKey, code),
    });
    if (!r.ok) throw new Error(`announcement refused: ${JSON.stringify(r.error)}`);
    return code;
  }
}
