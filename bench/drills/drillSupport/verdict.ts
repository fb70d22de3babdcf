/**
 * How a drill ends. `Verdict` collects checks (one line each, ok / FAIL and what was seen) and
 * `finish`es with the figures as the last line; `finish` alone does the same for a drill that
 * judged everything at once; `deliveredExactlyOnce` is the promise every cloud-facing drill
 * guards. The last line is one JSON object with the verdict (`held`), the figures, the core
 * count and the load average; the exit code is 0 when what it guards held, 1 when not.
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
  return end(held, { drill, held, ...figures });
}

/** The last line (the figures, the machine's cores and load) and the exit code. */
function end(held: boolean, figures: object): never {
  console.log(
    JSON.stringify({ ...figures, cores: availableParallelism(), loadAverage: loadavg()[0] }),
  );
  process.exit(held ? 0 : 1);
}

export class Verdict {
  readonly failures: string[] = [];
  private readonly started = performance.now();

  check(ok: boolean, what: string): boolean {
    if (!ok) this.failures.push(what);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    return ok;
  }

  /** The drill itself broke (a harness error): a failure like any other. */
  broke(e: unknown): void {
    const said = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.failures.push(`drill failed: ${said}`);
    console.log(`FAIL ${said}`);
  }

  finish(figures: Record<string, unknown>): never {
    const held = this.failures.length === 0;
    return end(held, {
      held,
      failures: this.failures,
      ...figures,
      seconds: Math.round((performance.now() - this.started) / 100) / 10,
    });
  }
}
