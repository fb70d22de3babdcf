/**
 * Checks codes typed or scanned by customers (pickup and return codes) against their stored
 * digests: constant-time comparison over every candidate, behind the persisted unit-wide
 * throttle. A failed attempt never touches the real code.
 */
import { CODE_LENGTH } from '../../shared/domain';
import type { CodeRejection } from '../../shared/outcomes';
import { codeDigest, codeDigestsEqual } from '../../shared/node/codeDigest';
import { err, ok, type Result } from '../../shared/result';
import { checkThrottle, recordFailure } from '../core/codeThrottle';
import { loadThrottle, saveThrottle } from '../store/codeThrottle';
import type { LockerContext } from './context';

/** A pickup QR carries the code alone, or prefixed `LKP1:`. */
const QR = /^(?:LKP1:)?([0-9]+)$/;

export class Codes {
  constructor(private readonly ctx: LockerContext) {}

  /**
   * Digits only, 6–10 of them; anything else never reaches the digest compare. Any length in
   * the range, not only the policy's: codes issued before the cloud changed it must still work.
   */
  normalise(input: string, fromQr: boolean): string | null {
    const trimmed = input.trim();
    const digits = fromQr ? QR.exec(trimmed)?.[1] : /^[0-9]+$/.test(trimmed) ? trimmed : undefined;
    if (digits === undefined) return null;
    return digits.length >= CODE_LENGTH.min && digits.length <= CODE_LENGTH.max ? digits : null;
  }

  retryAfterMs(): number {
    const { db, clock, policy } = this.ctx;
    const check = checkThrottle(loadThrottle(db), policy.codeThrottle, clock.now());
    return check.allowed ? 0 : check.retryAfterMs;
  }

  /**
   * Finds the candidate whose digest matches `code`. Every candidate is compared, so the time
   * taken does not tell how close a guess was. Only a failure touches the throttle: a match
   * (whatever it then opens or not) neither feeds nor clears it. Call inside a transaction;
   * the throttle state it updates commits with the caller's outcome.
   */
  match<T extends { codeDigest: string | null }>(
    code: string,
    candidates: readonly T[],
  ): Result<T, CodeRejection> {
    const { db, clock } = this.ctx;
    const now = clock.now();
    const state = loadThrottle(db);
    const check = checkThrottle(state, this.ctx.policy.codeThrottle, now);
    if (!check.allowed) return err({ reason: 'throttled', retryAfterMs: check.retryAfterMs });

    const digest = codeDigest(this.ctx.codeDigestKey, code);
    let found: T | undefined;
    for (const candidate of candidates) {
      const same = candidate.codeDigest !== null && codeDigestsEqual(candidate.codeDigest, digest);
      if (same && found === undefined) found = candidate;
    }
    if (found) return ok(found);
    const failure = recordFailure(state, this.ctx.policy.codeThrottle, now);
    saveThrottle(db, failure.state);
    // Every wrong code is audited, not only the ones that trip the throttle: an attacker pacing
    // guesses under the throttle shows up in the cloud as a steady rate of these.
    const debt = Math.round(failure.state.debt * 100) / 100;
    this.ctx.audit.append('security.code_rejected', { debt });
    if (failure.delayMs !== null) {
      this.ctx.audit.append('security.throttled', {
        debt,
        delaySec: failure.delayMs / 1000,
        until: new Date(failure.state.lockedUntil).toISOString(),
      });
      this.ctx.log.warn({ delayMs: failure.delayMs }, 'code entry throttled');
    }
    return err({ reason: 'code_invalid' });
  }
}
