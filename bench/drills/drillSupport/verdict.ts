/**
 * How a drill ends: whether the cloud got everything exactly once (the promise every drill
 * guards), then one summary line, the figures as one JSON line (with the machine's core count and
 * load), and the exit code: 0 when what it guards held, 1 when not.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { DeliveryOutcome } from './drillStand';

/** Every event stored once, in order, linked; no parcel notified twice; no command applied twice. */
export function deliveredExactlyOnce(f: DeliveryOutcome): boolean {
  return (
    f.lost === 0 &&
    f.duplicated === 0 &&
    f.cloud.gaps === 0 &&
    f.cloud.outOfOrder === 0 &&
    f.cloud.brokenLinks === 0 &&
    f.cloud.notifiedTwice === 0 &&
    f.commands.appliedTwice === 0 &&
    f.commands.announcedTwice === 0
  );
}

export function finish(drill: string, held: boolean, summary: string, figures: object): never {
  console.log(`${drill}: ${summary}; ${held ? 'HELD' : 'BROKEN'}`);
  console.log(
    JSON.stringify({
      drill,
      held,
      ...figures,
      cores: availableParallelism(),
      loadAverage: loadavg()[0],
    }),
  );
  process.exit(held ? 0 : 1);
}
