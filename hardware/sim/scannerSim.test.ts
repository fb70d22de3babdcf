import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Scan, ScannerStatus } from '../scanner/types';
import type { Timers } from '../scanner/hidScanner';
import type { ScannerSim } from './controlServer';
import {
  createSimulatedScanner,
  type ScannerSimOptions,
  type ScannerSimulator,
} from './scannerSim';

/** Timers fired by hand, so reconnect tests never wait. */
class HandTimers implements Timers {
  private pending = new Map<number, () => void>();
  private next = 1;
  setTimeout(callback: () => void) {
    const handle = this.next++;
    this.pending.set(handle, callback);
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  async fire(): Promise<void> {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function connected(options: ScannerSimOptions = {}) {
  const timers = new HandTimers();
  const rig = createSimulatedScanner(options, { timers });
  const scans: Scan[] = [];
  const statuses: ScannerStatus[] = [];
  rig.scanner.onScan((scan) => scans.push(scan));
  rig.scanner.onStatus((status) => statuses.push(status));
  await rig.started;
  return { ...rig, timers, scans, statuses };
}

const longParcelText =
  'LOCKER:7;PARCEL:00340434161094042557;Empfänger: Jürgen Müller-Lüdenscheidt;' +
  'Straße: Königsallee 12;寄件人: 李小龍;📦 Zustellung bis 2026-12-24;'.repeat(4);

describe('scanner simulator through the real HidScanner driver', () => {
  it('is the ScannerSim the simulator control server drives', () => {
    expectTypeOf<ScannerSimulator>().toExtend<ScannerSim>();
  });

  it('delivers a short QR scan as one HID-POS report', async () => {
    const { sim, scans, statuses } = await connected();
    expect(statuses).toEqual(['disconnected', 'connected']);
    const sent = sim.scan('PU-4821-7731');
    expect(sent).toEqual({ ok: true, value: { reports: 1 } });
    expect(scans).toEqual([
      { text: 'PU-4821-7731', symbology: 'qr-code', source: 'simulator', aimId: ']Q1' },
    ]);
  });

  it('splits a 300+ character UTF-8 barcode over several reports and it arrives whole', async () => {
    expect(longParcelText.length).toBeGreaterThan(300);
    const { sim, scans } = await connected();
    const bytes = new TextEncoder().encode(longParcelText).length;
    const sent = sim.scan(longParcelText, 'gs1-data-matrix');
    expect(sent).toEqual({ ok: true, value: { reports: Math.ceil(bytes / 56) } });
    expect(scans).toEqual([
      { text: longParcelText, symbology: 'gs1-data-matrix', source: 'simulator', aimId: ']d2' },
    ]);
  });

  it('takes symbology names or raw AIM ids, and refuses unknown names', async () => {
    const { sim, scans } = await connected();
    sim.scan('00012345678905', 'gs1-128');
    sim.scan('4006381333931', ']E0');
    expect(scans.map((s) => [s.symbology, s.aimId])).toEqual([
      ['gs1-128', ']C1'],
      ['ean-13', ']E0'],
    ]);
    expect(sim.scan('x', 'barcode-39')).toEqual({
      ok: false,
      error: { reason: 'unknown-symbology', symbology: 'barcode-39' },
    });
  });

  it('uses other report sizes when told to', async () => {
    const { sim, scans } = await connected({ reportSize: 32 });
    expect(sim.scan('A'.repeat(50))).toEqual({ ok: true, value: { reports: 3 } });
    expect(scans[0]?.text).toBe('A'.repeat(50));
  });

  it('types as a keyboard scanner: shift, key and release reports, ended by Enter', async () => {
    const { sim, scanner, scans } = await connected({ mode: 'keyboard' });
    expect(scanner.reportFormat).toBe('keyboard');
    // 11 characters → 11 presses + Enter, each followed by a release.
    expect(sim.scan('Parcel-42!?')).toEqual({ ok: true, value: { reports: 24 } });
    expect(scans).toEqual([{ text: 'Parcel-42!?', symbology: 'unknown', source: 'simulator' }]);
  });

  it('refuses to type what a US keyboard cannot, emitting nothing', async () => {
    const { sim, scans } = await connected({ mode: 'keyboard' });
    expect(sim.scan('Müller')).toEqual({
      ok: false,
      error: { reason: 'untypeable', characters: ['ü'] },
    });
    expect(scans).toEqual([]);
  });

  it('unplugged, it cannot scan and the driver says disconnected; plugged back, both recover', async () => {
    const { sim, timers, scans, statuses } = await connected();
    sim.unplug();
    expect(statuses.at(-1)).toBe('disconnected');
    expect(sim.scan('lost')).toEqual({ ok: false, error: { reason: 'not-connected' } });
    await timers.fire(); // the driver polls: nothing there yet
    expect(statuses.at(-1)).toBe('disconnected');
    sim.plugIn();
    await timers.fire();
    expect(statuses).toEqual(['disconnected', 'connected', 'disconnected', 'connected']);
    sim.scan('after replug');
    expect(scans.map((s) => s.text)).toEqual(['after replug']);
  });

  it('round-trips any Unicode text exactly', async () => {
    const { sim, scans } = await connected();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 600 }), (text) => {
        scans.length = 0;
        expect(sim.scan(text).ok).toBe(true);
        expect(scans.map((s) => s.text)).toEqual([text]);
      }),
    );
  });
});
