/**
 * The cut-link drill at its small size (`npm run drill -- cut-link`): a link that goes half-open,
 * slow, cut mid-packet and replayed late loses and doubles nothing at the cloud, each dead link
 * is noticed by the keep-alive in time, and reconnects keep to the backoff (no storm).
 */
import { expect, it } from 'vitest';
import { runBench } from '../benchSupport/runBench';

it('holds across half-open, slow, cut and replayed links', async () => {
  const f = await runBench('cut-link', [], { drill: true });
  expect(f['held'], String(f['output'])).toBe(true);
  expect(f).toMatchObject({
    exitCode: 0,
    lost: 0,
    duplicated: 0,
    cloud: { gaps: 0, outOfOrder: 0, brokenLinks: 0 },
    commands: { appliedTwice: 0, announcedTwice: 0 },
    suspectedDuplicateClient: false,
  });
  // Every fault cost one reconnect, no more.
  expect(f['connects']).toBe((f['faults'] as number) + 1);
}, 90_000);
