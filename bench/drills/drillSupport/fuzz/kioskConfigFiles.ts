/**
 * Kiosk configuration files under fuzz: random bytes, random JSON, and the demo configuration
 * (and variants of it) with fields damaged, each written to a real file and read by the loader
 * the kiosk starts with. A refused file must say what is wrong, field by field, and leave the
 * folder it sits in as it was; an accepted one must read back the same.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatConfigError,
  loadKioskConfig,
  parseKioskConfig,
} from '../../../../src/main/config/kioskConfig';
import { damagedText, mutatedJson } from './jsonMutation';
import { scratchDir } from './scratchDir';
import type { FuzzSubject, ParserFuzz, Verdict } from './parserFuzz';

export type ConfigInput = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'json'; json: unknown };

const demo = JSON.parse(
  readFileSync(new URL('../../../../src/main/config/demo-kiosk.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** The demo file and installations unlike it: a serial bus, a USB scanner, a real broker. */
const goodConfig: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    serial: fc.constantFrom(
      { kind: 'simulator' },
      { kind: 'serial', path: '/dev/ttyUSB0', protocol: 'kerong-cu16', lockedBitValue: 0 },
      { kind: 'serial', path: '/dev/ttyS1', protocol: 'lcb24', baudRate: 9600, echo: true },
    ),
    scanner: fc.constantFrom(
      { kind: 'simulator' },
      { kind: 'none' },
      { kind: 'hid', vendorId: '0x0c2e', productId: 2560, mode: 'hid-pos' },
    ),
    cloud: fc.constantFrom(demo['cloud'], {
      brokerUrl: 'mqtts://broker.example.com:8883',
      publicKey: 'A'.repeat(43),
      brokerUsername: 'u',
      brokerPasswordFile: 'p',
    }),
    policy: fc.record(
      { holdDays: fc.integer({ min: 1, max: 30 }), codeLength: fc.integer({ min: 6, max: 10 }) },
      { requiredKeys: [] },
    ),
  })
  .map((variant) => ({ ...demo, ...variant }));

export const configInput: fc.Arbitrary<ConfigInput> = fc.oneof(
  {
    weight: 2,
    arbitrary: damagedText(goodConfig.map((c) => JSON.stringify(c, null, 2))).map((bytes) => ({
      kind: 'bytes' as const,
      bytes,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ kind: 'json' as const, json })),
  },
  {
    weight: 6,
    arbitrary: mutatedJson(goodConfig).map((json) => ({ kind: 'json' as const, json })),
  },
  { weight: 1, arbitrary: goodConfig.map((json) => ({ kind: 'json' as const, json })) },
);

function problemWith(lines: string[]): string | undefined {
  if (lines.length === 0) return 'refused without a reason';
  const bad = lines.find(
    (l) => typeof l !== 'string' || l.trim() === '' || l.includes('[object Object]'),
  );
  return bad === undefined ? undefined : `an unreadable reason ${JSON.stringify(bad)}`;
}

function openLoader(): FuzzSubject<ConfigInput> {
  const dir = scratchDir('fuzz-config-');
  const file = join(dir, 'kiosk.json');
  let accepted = 0;
  return {
    handle(input): Verdict {
      writeFileSync(file, input.kind === 'bytes' ? input.bytes : JSON.stringify(input.json));
      const before = readdirSync(dir).join();
      const loaded = loadKioskConfig(file);
      if (readdirSync(dir).join() !== before)
        return { rejected: !loaded.ok, violation: 'loading the file changed its folder' };
      if (!loaded.ok) {
        const problem = problemWith(loaded.error.problems);
        if (problem) return { rejected: true, violation: problem };
        if (!formatConfigError(loaded.error).startsWith(`Bad kiosk configuration in ${file}:`)) {
          return { rejected: true, violation: 'the error does not name the file' };
        }
        return { rejected: true };
      }
      accepted += 1;
      // What was accepted reads back the same: nothing taken from the file is half-understood.
      const again = parseKioskConfig(JSON.parse(JSON.stringify(loaded.value)), file);
      if (!again.ok || JSON.stringify(again.value) !== JSON.stringify(loaded.value)) {
        return {
          rejected: false,
          violation: 'an accepted configuration does not read back the same',
        };
      }
      return { rejected: false };
    },
    figures: () => ({ accepted }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function kioskConfigFuzz(smallRuns: number): ParserFuzz<ConfigInput> {
  return {
    name: 'kiosk config files',
    smallRuns,
    boundMs: 2_000,
    input: configInput,
    show: (input) =>
      input.kind === 'bytes'
        ? Buffer.from(input.bytes).toString('hex')
        : JSON.stringify(input.json),
    open: async () => openLoader(),
  };
}
