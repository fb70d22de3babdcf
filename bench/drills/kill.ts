/**
 * Kill drill (issue 14): a real kiosk process, working at random on a real SQLite file with its
 * lock boards in a process of their own and its cloud link to a real Mosquitto and cloud, is
 * SIGKILLed at random instants and started again (see drillSupport/killRun.ts). Holds when the
 * cloud stores every event exactly once, no compartment is inconsistent after any kill, the
 * chain verifies, no door was pulsed twice for one operation and no command applied twice.
 * Prints progress, then as its LAST line one JSON object with the figures; exits 1 when any of
 * that did not hold.
 *
 *   npm run drill -- kill [--kills 1000] [--max-life-ms 1500]
 */
import { parseArgs } from 'node:util';
import { runKill } from './drillSupport/killRun';
import { deliveredExactlyOnce, finish } from './drillSupport/verdict';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    'max-life-ms': { type: 'string', default: '1500' },
  },
});

const f = await runKill({
  kills: Number(values.kills),
  maxLifeMs: Number(values['max-life-ms']),
  say: (line) => console.log(line),
});
const held =
  deliveredExactlyOnce(f) &&
  f.inconsistencies.length === 0 &&
  f.chainVerified &&
  f.pulses.violations.length === 0 &&
  f.workErrors.length === 0;
for (const v of [...f.inconsistencies, ...f.pulses.violations, ...f.workErrors].slice(0, 20))
  console.log(`VIOLATION ${v}`);
finish(
  'kill',
  held,
  `${f.kills} kills (${f.killsDuringStart} during start), ${f.operations} steps, ` +
    `${f.kioskHead} events: ${f.lost} lost, ${f.duplicated} duplicated at the cloud; ` +
    `${f.pulses.framesHeard} unlocks heard, ${f.pulses.pulsesRecorded} recorded, ` +
    `${f.pulses.pulsesUnrecorded} lost with a kill`,
  {
    ...f,
    inconsistencies: f.inconsistencies.length,
    workErrors: f.workErrors.length,
    pulses: { ...f.pulses, violations: f.pulses.violations.length },
  },
);
