/**
 * Drill support: what a drill checked and how it ends. Each check prints one line (ok / FAIL
 * and what was seen); `finish` prints the figures as the last line, one JSON object with the
 * verdict (`held`), the failures, the run's duration, the core count and the load average, and
 * exits non-zero when anything failed.
 */
import { cpus, loadavg } from 'node:os';

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
    console.log(
      JSON.stringify({
        held,
        failures: this.failures,
        ...figures,
        seconds: Math.round((performance.now() - this.started) / 100) / 10,
        cores: cpus().length,
        loadAverage: loadavg()[0],
      }),
    );
    process.exit(held ? 0 : 1);
  }
}
