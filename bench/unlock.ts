/**
 * Code submitted → last byte of the unlock frame on the serial line, on a whole kiosk (the
 * composition root, the real serial driver on a socat pty to lock boards in their own process,
 * the IPC handler table, the screens' event feed), against the floor measured alongside: one
 * fsync'd SQLite commit + the same kind of frame written to the same pty. Scenarios, each on a
 * fresh kiosk: idle (no cloud link), backlog (an outbox of unsent events while the broker is
 * unreachable), flushing (the link drains that backlog through Mosquitto to a verifying, acking
 * cloud peer while the pickups go on). Goal: p99 ≤ 15 ms and p50 ≤ 3× the floor's p50, in each.
 * Prints one line per scenario, then as its LAST line one JSON object:
 *   { goal, scenarios: { idle|backlog|flushing: { unlockMs, floorMs, ratio, unacked, … } },
 *     pickups, backlog, compartments, meetsGoal }
 *
 *   npm run bench -- unlock [--pickups N] [--backlog N] [--idle] [--flushing] [--compartments N]
 * No scenario flag runs all three; --backlog N alone runs the backlog scenario with N events
 * (default 20,000; the flushing scenario uses the same size).
 */
import { parseArgs } from 'node:util';
import { runScenario, type ScenarioResult } from './benchSupport/pickupRun';
import type { Scenario } from './benchSupport/unlockStand';

const GOAL = { p99Ms: 15, p50TimesFloor: 3 };

const { values } = parseArgs({
  options: {
    pickups: { type: 'string', default: '200' },
    backlog: { type: 'string' },
    compartments: { type: 'string' },
    warmup: { type: 'string' },
    idle: { type: 'boolean', default: false },
    flushing: { type: 'boolean', default: false },
  },
});
const pickups = Number(values.pickups);
const backlog = Number(values.backlog ?? 20_000);
const compartments = Number(values.compartments ?? Math.min(150, pickups));
const warmup = Number(values.warmup ?? Math.min(10, Math.ceil(pickups / 10)));
const chosen: Scenario[] = [
  ...(values.idle ? (['idle'] as const) : []),
  ...(values.backlog !== undefined ? (['backlog'] as const) : []),
  ...(values.flushing ? (['flushing'] as const) : []),
];
const scenarios: Scenario[] = chosen.length > 0 ? chosen : ['idle', 'backlog', 'flushing'];
for (const [name, n] of Object.entries({ pickups, backlog, compartments, warmup }))
  if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1))
    throw new Error(`--${name} must be a positive integer`);

const meets = (r: ScenarioResult) =>
  r.unlockMs.n > 0 &&
  r.refused.length === 0 &&
  r.unlockMs.p99 <= GOAL.p99Ms &&
  r.ratio.p50 <= GOAL.p50TimesFloor;

const results: Partial<Record<Scenario, ScenarioResult & { meetsGoal: boolean }>> = {};
for (const scenario of scenarios) {
  const r = await runScenario({ scenario, pickups, backlog, compartments, warmup });
  results[scenario] = { ...r, meetsGoal: meets(r) };
  const u = r.unlockMs;
  console.log(
    `${scenario.padEnd(8)} unlock p50 ${u.p50} p95 ${u.p95} p99 ${u.p99} max ${u.max} ms (n ${u.n}) | ` +
      `floor p50 ${r.floorMs.p50} p99 ${r.floorMs.p99} ms | ×floor p50 ${r.ratio.p50} p99 ${r.ratio.p99} | ` +
      `unacked ${r.unacked.atStart} → ${r.unacked.atEnd}` +
      (r.flush
        ? ` | ${r.flush.rounds} flush round(s), acked ${r.flush.ackedPerSecond ?? '?'}/s, ${r.afterFlush} pickups after a flush not counted`
        : '') +
      (r.refused.length > 0
        ? ` | REFUSED ${r.refused.length}: ${r.refused.slice(0, 3).join(', ')}`
        : '') +
      (meets(r) ? '' : '  MISSES THE GOAL'),
  );
}
console.log(
  JSON.stringify({
    goal: GOAL,
    scenarios: results,
    pickups,
    backlog,
    compartments,
    meetsGoal: Object.values(results).every((r) => r.meetsGoal),
  }),
);
