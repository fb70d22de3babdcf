/**
 * The kill drill at its small size (`npm run drill -- kill`): a kiosk process SIGKILLed at random
 * while it works loses and doubles no event at the cloud, leaves no compartment inconsistent,
 * keeps a chain that verifies, and pulses no door twice for one operation.
 */
import { expect, it } from 'vitest';
import { runBench } from '../benchSupport/runBench';

it('holds across SIGKILLs at random instants of mixed work', async () => {
  const f = await runBench('kill', [], { drill: true });
  expect(f['held'], String(f['output'])).toBe(true);
  expect(f).toMatchObject({
    exitCode: 0,
    lost: 0,
    duplicated: 0,
    inconsistencies: 0,
    chainVerified: true,
    cloud: { gaps: 0, outOfOrder: 0, brokenLinks: 0, notifiedTwice: 0 },
    pulses: { violations: 0, operationsPulsedTwice: 0 },
    commands: { appliedTwice: 0, announcedTwice: 0 },
  });
  // It did real work: steps between kills, doors opened, a chain that grew.
  expect(f['kills']).toBeGreaterThanOrEqual(5);
  expect(f['kioskHead']).toBeGreaterThan(20);
}, 60_000);
