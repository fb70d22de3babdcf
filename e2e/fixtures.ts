/**
 * Each test gets a real kiosk: startKiosk on a fresh temp data dir with the demo locker's
 * config, the simulated lock bus and scanner, the IPC handler table and the web shell, and a
 * cloud key that signs badges. Helpers play the cloud (announce parcels and returns) and the
 * person at the locker (close a door, scan a code) through the simulator's control API.
 *
 * `cloudLocker` instead runs the real cloud-mock on a real Mosquitto: the kiosk enrols with it
 * by itself and the status bar follows its real cloud link.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { BadgeRole, Size } from '../src/shared/domain';
import { codeDigest } from '../src/shared/node/codeDigest';
import { QR_TOKEN_BYTES, qrPayload } from '../src/shared/qrToken';
import { issueBadgeToken } from '../src/shared/node/badgeToken';
import { parseKioskConfig } from '../src/main/config/kioskConfig';
import { startKiosk, type Kiosk } from '../src/main/kiosk';
import { startKioskWebShell, type KioskWebShell } from '../src/main/webshell/serveKiosk';
import { linkStatusOf } from '../src/main/ipc/cloudLinkStatus';
import {
  enrolledKiosk,
  startStand,
  type CloudStand,
  type StandKiosk,
} from '../cloud-mock/integration/stand';

export interface Locker {
  kiosk: Kiosk;
  served: KioskWebShell;
  dataDir: string;
  /** The simulator's control API (http://127.0.0.1:port). */
  simUrl: string;
  badge(role: BadgeRole, subject: string): string;
  /** The cloud announces a parcel; returns the code it "sent the customer". */
  announce(parcel: { id: string; heightMm?: number; holdDays?: number }): string;
  expectReturn(id: string, size: Size): string;
  /** The QR payload the cloud "sent the customer" for parcel or return `id` (a token QR). */
  qr(id: string): string;
  /** The person shuts an open door, leaving an item inside or not (the IR sensor sees it). */
  closeDoor(compartmentId: string, itemInside: boolean): Promise<void>;
  waitForDoor(compartmentId: string, open: boolean): Promise<void>;
  scan(text: string): Promise<void>;
  fault(
    board: number,
    fault: 'jam' | 'silent' | 'garbled' | 'mute' | 'late',
    on: boolean,
  ): Promise<void>;
  /** Moves the kiosk's clock on and runs its time-driven work. */
  advance(ms: number): Promise<void>;
  open(page: Page): Promise<void>;
  /**
   * A keyboard-wedge scanner: the text as a burst of keydowns ended by Enter, dispatched in the
   * page in one go (Playwright's own typing waits on this busy test process between keys).
   */
  wedgeScan(page: Page, text: string): Promise<void>;
  shot(page: Page, name: string, docs?: boolean): Promise<void>;
}

/** The real cloud-mock (on Mosquitto, which a test can stop) and an enrolled kiosk. */
export interface CloudLocker {
  stand: CloudStand;
  /** The kiosk and helpers that act through KioskCore and the lock-bus simulator. */
  unit: StandKiosk;
  served: KioskWebShell;
  open(page: Page): Promise<void>;
  /** Screenshot of the status bar alone, under e2e/screenshots. */
  shotStatusBar(page: Page, name: string): Promise<void>;
}

const DEMO_CONFIG = 'src/main/config/demo-kiosk.json';

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

export const test = base.extend<{ locker: Locker; cloudLocker: CloudLocker }>({
  // eslint-disable-next-line no-empty-pattern
  cloudLocker: async ({}, use) => {
    const stand = await startStand('mosquitto');
    let unit: StandKiosk | null = null;
    let served: KioskWebShell | null = null;
    try {
      unit = await enrolledKiosk(stand, `e2e-${randomInt(0, 1_000_000)}`);
      const log = pino({ level: process.env.E2E_LOG ?? 'silent' });
      served = await startKioskWebShell(unit.kiosk, {
        lockerId: unit.lockerId,
        log,
        link: linkStatusOf(unit.kiosk.cloud!),
      });
      const shell = served;
      await use({
        stand,
        unit,
        served: shell,
        open: async (page) => {
          await page.goto(shell.shell.pageUrl);
          await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        },
        shotStatusBar: async (page, name) => {
          mkdirSync('e2e/screenshots', { recursive: true });
          await page
            .locator('header.status-bar')
            .screenshot({ path: join('e2e/screenshots', `${name}.png`) });
        },
      });
    } finally {
      await served?.close();
      await unit?.close();
      await stand.close();
    }
  },

  // Playwright reads a fixture's dependencies from this pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  locker: async ({}, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
    const raw = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, unknown>;
    const parsed = parseKioskConfig({ ...raw, dataDir }, DEMO_CONFIG);
    if (!parsed.ok) throw new Error(parsed.error.problems.join('\n'));
    const config = parsed.value;
    // These journeys move the kiosk's clock by days (`advance`), with no cloud to confirm it.
    config.policy.maxClockStepSec = 366 * 86_400;
    const cloud = generateKeyPairSync('ed25519');
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const log = pino({ level: process.env.E2E_LOG ?? 'silent' });
    const kiosk = await startKiosk(config, log, { cloudPublicKey: cloud.publicKey, clock });
    const served = await startKioskWebShell(kiosk, { lockerId: config.lockerId, log });
    const sim = kiosk.devices.simulation;
    if (!sim) throw new Error('the demo config runs on simulators');
    const compartment = (id: string) => {
      const c = kiosk.core.compartments().find((x) => x.id === id);
      if (!c) throw new Error(`no compartment ${id}`);
      return c;
    };
    const waitForDoor = async (id: string, open: boolean) => {
      await expect.poll(() => compartment(id).doorOpen, { timeout: 10_000 }).toBe(open);
      await kiosk.core.settled();
    };
    // What the cloud would print in the customer's QR code, per parcel or return.
    const qrs = new Map<string, string>();
    const newQr = (id: string, kind: 'pickup' | 'return'): string => {
      const payload = qrPayload(kind, randomBytes(QR_TOKEN_BYTES).toString('base64url'));
      qrs.set(id, payload);
      return codeDigest(kiosk.identity.codeDigestKey(), payload);
    };
    const locker: Locker = {
      kiosk,
      served,
      dataDir,
      simUrl: sim.control.url,
      badge: (role, subject) =>
        issueBadgeToken(
          {
            id: `${role}-${subject}`,
            role,
            sub: subject,
            iat: new Date(clock.now()).toISOString(),
            exp: new Date(clock.now() + 30 * 86_400_000).toISOString(),
          },
          cloud.privateKey,
        ),
      announce: ({ id, heightMm = 60, holdDays }) => {
        const code = String(randomInt(0, 1_000_000)).padStart(config.policy.codeLength, '0');
        const r = kiosk.core.announcements.expectParcel({
          parcelId: id,
          trackingBarcode: `TRK${id.toUpperCase()}`,
          dimensions: { lengthMm: 350, widthMm: 250, heightMm },
          weightG: 1500,
          codeDigest: codeDigest(kiosk.identity.codeDigestKey(), code),
          qrDigest: newQr(id, 'pickup'),
          ...(holdDays ? { holdDays } : {}),
        });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        return code;
      },
      expectReturn: (id, size) => {
        const code = String(randomInt(0, 1_000_000)).padStart(config.policy.codeLength, '0');
        const r = kiosk.core.announcements.expectReturn({
          returnId: id,
          size,
          codeDigest: codeDigest(kiosk.identity.codeDigestKey(), code),
          qrDigest: newQr(id, 'return'),
        });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        return code;
      },
      qr: (id) => {
        const payload = qrs.get(id);
        if (!payload) throw new Error(`no QR for ${id}`);
        return payload;
      },
      closeDoor: async (id, itemInside) => {
        const c = compartment(id);
        await waitForDoor(id, true);
        await post(`${sim.control.url}/items`, {
          board: c.board,
          lock: c.lock,
          present: itemInside,
        });
        await post(`${sim.control.url}/doors/close`, { board: c.board, lock: c.lock });
        await waitForDoor(id, false);
      },
      waitForDoor,
      scan: (text) => post(`${sim.control.url}/scan`, { text }),
      fault: (board, fault, on) => post(`${sim.control.url}/faults`, { board, fault, on }),
      advance: (ms) => {
        offset += ms;
        return kiosk.core.tick();
      },
      open: async (page) => {
        await page.goto(served.shell.pageUrl);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      },
      wedgeScan: async (page, text) => {
        await page.evaluate(
          (keys) => {
            // Runs in the page; the Node-side type check has no DOM types.
            const w = globalThis as unknown as {
              dispatchEvent(e: unknown): void;
              KeyboardEvent: new (type: string, init: object) => unknown;
            };
            for (const key of [...keys, 'Enter'])
              w.dispatchEvent(
                new w.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }),
              );
          },
          [...text],
        );
      },
      shot: async (page, name, docs = false) => {
        const dir = 'e2e/screenshots';
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, `${name}.png`) });
        // The README's pictures change only when asked: UPDATE_DOC_SCREENSHOTS=1 npm run e2e.
        if (docs && process.env.UPDATE_DOC_SCREENSHOTS === '1') {
          mkdirSync('docs/screenshots', { recursive: true });
          await page.screenshot({ path: join('docs/screenshots', `${name}.png`) });
        }
      },
    };
    await use(locker);
    await served.close();
    await kiosk.close();
    if (testInfo.status === testInfo.expectedStatus)
      rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };
