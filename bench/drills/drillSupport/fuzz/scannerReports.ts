/**
 * Scanner reports under fuzz: random, damaged and good HID-POS and boot-keyboard reports sent by
 * the scanner simulator to the real HidScanner driver, which decodes them (AIM ids included)
 * into the scans the kiosk acts on. A report the driver drops must yield no scan and keep the
 * device connected; a good barcode after any garbage must still read exactly.
 */
import fc from 'fast-check';
import { symbologyNames, unknownSymbology } from '../../../../hardware/scanner/aim';
import {
  encodeKeyboardReports,
  untypeableCharacters,
} from '../../../../hardware/scanner/bootKeyboardReport';
import { encodeHidPosReports, hidPosReportSize } from '../../../../hardware/scanner/hidPosReport';
import { HidScanner, type ScannerDiagnostic } from '../../../../hardware/scanner/hidScanner';
import type { Scan } from '../../../../hardware/scanner/types';
import { ScannerSimulator, type SimulatedScannerMode } from '../../../../hardware/sim/scannerSim';
import { hex, type FuzzSubject, type ParserFuzz, type Verdict } from './parserFuzz';

export type ReportInput =
  | { kind: 'garbage' | 'damaged'; reports: Uint8Array[] }
  /** A good barcode, after reports that end whatever the garbage left half-typed. */
  | { kind: 'probe'; reports: Uint8Array[]; text: string; aimId: string };

const KNOWN_SYMBOLOGIES = new Set([...symbologyNames, unknownSymbology]);
// Drops that condemn the report itself: such a report must never complete a barcode.
const MALFORMED = new Set(['short-report', 'wrong-report-id', 'bad-length', 'rollover']);
const MAX_BARCODE = 16 * 1024;

const aimIds = fc.oneof(
  fc.constantFrom(']Q1', ']C0', ']E0', ']d2', ']Q3', ']E4', ']z0'),
  fc
    .tuple(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0x21, max: 0x7e }))
    .map(([a, b]) => `]${String.fromCharCode(a, b)}`),
);

// Printable ASCII a US keyboard types; HID-POS carries any UTF-8.
const typeable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 120,
});
// A leading U+FEFF is read as UTF-8's signature, not text (hidPosReport.ts): no such probe.
const anyText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
  .filter((t) => !t.startsWith('\ufeff'));

function damagedReport(report: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      report,
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('set', 'cut', 'grow'),
    )
    .map(([bytes, at, byte, op]) => {
      const out = [...bytes];
      const i = at % Math.max(1, out.length);
      if (op === 'set') out[i] = byte;
      else if (op === 'cut') out.length = i;
      else out.splice(i, 0, byte);
      return Uint8Array.from(out);
    });
}

function hidPosInput(): fc.Arbitrary<ReportInput> {
  const good = fc
    .tuple(anyText, aimIds)
    .map(([text, aim]) => encodeHidPosReports(new TextEncoder().encode(text), aim));
  const oneGood = good.chain((reports) => fc.constantFrom(...reports));
  const garbage = fc.oneof(
    fc.uint8Array({ maxLength: 130 }),
    fc.uint8Array({ minLength: hidPosReportSize, maxLength: hidPosReportSize }).map((r) => {
      r[0] = 0x02; // the barcode report id, so the length and more-bit paths are reached
      return r;
    }),
  );
  // A last report with no data closes whatever the garbage left open (its more-bit set).
  const closer = new Uint8Array(hidPosReportSize);
  closer[0] = 0x02;
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .array(garbage, { minLength: 1, maxLength: 3 })
        .map((reports) => ({ kind: 'garbage' as const, reports })),
    },
    {
      weight: 4,
      arbitrary: fc
        .array(damagedReport(oneGood), { minLength: 1, maxLength: 3 })
        .map((reports) => ({ kind: 'damaged' as const, reports })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(anyText, aimIds).map(([text, aimId]) => ({
        kind: 'probe' as const,
        text,
        aimId,
        reports: [closer, ...encodeHidPosReports(new TextEncoder().encode(text), aimId)],
      })),
    },
  );
}

function keyboardInput(): fc.Arbitrary<ReportInput> {
  const key = fc.uint8Array({ minLength: 8, maxLength: 8 });
  const garbage = fc.oneof(
    { weight: 4, arbitrary: key },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
  );
  const goodKey = typeable.chain((text) => fc.constantFrom(...encodeKeyboardReports(text)));
  // Enter, then all keys up: what a real scanner sends between barcodes.
  const enter = Uint8Array.of(0, 0, 0x28, 0, 0, 0, 0, 0);
  const up = new Uint8Array(8);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .array(garbage, { minLength: 1, maxLength: 4 })
        .map((reports) => ({ kind: 'garbage' as const, reports })),
    },
    {
      weight: 4,
      arbitrary: fc
        .array(damagedReport(goodKey), { minLength: 1, maxLength: 4 })
        .map((reports) => ({ kind: 'damaged' as const, reports })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(typeable, aimIds)
        .filter(([text]) => untypeableCharacters(text).length === 0)
        .map(([text, aimId]) => ({
          kind: 'probe' as const,
          text,
          aimId,
          reports: [up, enter, up, ...encodeKeyboardReports(`${aimId}${text}`)],
        })),
    },
  );
}

function scanProblem(scan: Scan): string | undefined {
  if (scan.text.length === 0) return 'an empty scan';
  if (scan.text.length > MAX_BARCODE) return `a scan of ${scan.text.length} characters`;
  if (!KNOWN_SYMBOLOGIES.has(scan.symbology)) return `an unknown symbology name ${scan.symbology}`;
  return undefined;
}

async function openDriver(mode: SimulatedScannerMode): Promise<FuzzSubject<ReportInput>> {
  const sim = new ScannerSimulator({ mode });
  const scanner = new HidScanner(
    {
      vendorId: sim.info.vendorId,
      productId: sim.info.productId,
      mode,
      aimPrefix: mode === 'keyboard',
    },
    { backend: sim.backend() },
  );
  await scanner.start();
  if (scanner.status !== 'connected')
    throw new Error(`the driver did not open the ${mode} simulator`);
  let scans: Scan[] = [];
  let diagnostics: ScannerDiagnostic[] = [];
  scanner.onScan((scan) => scans.push(scan));
  scanner.onDiagnostic((d) => diagnostics.push(d));
  const drops: Record<string, number> = {};
  let scanned = 0;
  return {
    handle(input): Verdict {
      let rejected = false;
      const all: Scan[] = [];
      for (const report of input.reports) {
        scans = [];
        diagnostics = [];
        sim.sendReport(report);
        scanned += scans.length;
        all.push(...scans);
        for (const d of diagnostics) {
          if (d.kind !== 'dropped')
            return {
              rejected: true,
              violation: `diagnostic ${JSON.stringify(d)} for ${hex(report)}`,
            };
          drops[d.dropped.reason] = (drops[d.dropped.reason] ?? 0) + 1;
        }
        const malformed = diagnostics.some(
          (d) => d.kind === 'dropped' && MALFORMED.has(d.dropped.reason),
        );
        if (malformed) rejected = true;
        if (malformed && scans.length > 0) {
          return {
            rejected,
            violation: `a refused report ${hex(report)} completed a scan ${JSON.stringify(scans)}`,
          };
        }
        for (const scan of scans) {
          const problem = scanProblem(scan);
          if (problem) return { rejected, violation: `${problem} from ${hex(report)}` };
        }
        if (scanner.status !== 'connected')
          return { rejected, violation: `the device dropped after ${hex(report)}` };
      }
      if (input.kind === 'probe') {
        const last = all.at(-1);
        if (last?.text !== input.text || last.aimId !== input.aimId) {
          return {
            rejected: true,
            violation: `a good barcode ${JSON.stringify(input.text)} read as ${JSON.stringify(last)}`,
          };
        }
      }
      return { rejected };
    },
    figures: () => ({ scans: scanned, drops }),
    close: () => scanner.close(),
  };
}

export function scannerFuzz(
  mode: SimulatedScannerMode,
  smallRuns: number,
): ParserFuzz<ReportInput> {
  return {
    name: mode === 'hid-pos' ? 'hid-pos reports' : 'boot keyboard reports',
    smallRuns,
    boundMs: 2_000,
    input: mode === 'hid-pos' ? hidPosInput() : keyboardInput(),
    show: (input) => `${input.kind} ${input.reports.map(hex).join(' ')}`,
    open: () => openDriver(mode),
  };
}
