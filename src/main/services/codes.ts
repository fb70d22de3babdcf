/**
 * Checks codes typed by customers (pickup and return codes) and the tokens their QR codes
 * carry against stored digests. The digest is an HMAC under the unit's secret code key, so the
 * store finds the one holding it through an index: how long that takes depends only on a keyed
 * digest, which tells nothing about how close a guess came to any real code, and the digest it
 * finds is compared again in constant time. Typed codes go behind the persisted unit-wide
 * throttle; QR tokens (128 bits) only behind a flood limit, so the keypad's delay never holds up
 * someone who scans. A failed attempt never touches the real code.
 */
import { CODE_LENGTH } from '../../shared/domain';
import type { CodeRejection } from '../../shared/outcomes';
import { codeDigest, codeDigestsEqual } from '../../shared/node/codeDigest';
import { readQr, type QrKind } from '../../shared/qrToken';
import { err, ok, type Result } from '../../shared/result';
import { attemptsLeft, checkThrottle, recordFailure } from '../core/codeThrottle';
import { checkScan, initialScanLimit, recordScanFailure } from '../core/scanLimit';
import { loadThrottle, saveThrottle } from '../store/codeThrottle';
import type { LockerContext } from './context';

/** What a customer handed the kiosk: a typed code, or a QR token's whole payload. */
export type CustomerKey = { by: 'code'; code: string } | { by: 'qr'; payload: string };

/** Finds what holds a digest of a typed code or of a QR payload (a store lookup by index). */
export type FindByDigest<T> = (of: 'code' | 'qr', digest: string) => T | undefined;

/** Failed QR scans a minute before scanning pauses (a flood, not a guess: see scanLimit.ts). */
const QR_FAILURES_PER_MINUTE = 10;

export class Codes {
  private scans = initialScanLimit;
  /** The last wrong code seen by this process, by both clocks. */
  private lastFailure: { at: number; mono: number } | undefined;

  constructor(private readonly ctx: LockerContext) {}

  /**
   * What `input` is, for a pickup or a return (`kind`), or null. Typed: digits only, 6–10 of
   * them (any length in the range, not only the policy's: codes issued before the cloud changed
   * it must still work). Scanned: a token QR of this kind, or an older QR carrying the keypad
   * code (`LKP1:…`), which keypad rules then apply to. Nothing else reaches a digest compare.
   */
  read(input: string, method: 'code' | 'qr', kind: QrKind): CustomerKey | null {
    if (method === 'qr') {
      const scanned = readQr(input);
      if (scanned === null) return null;
      if (scanned.kind === 'keypad_code') return { by: 'code', code: scanned.code };
      return scanned.kind === kind ? { by: 'qr', payload: scanned.payload } : null;
    }
    const digits = input.trim();
    if (!/^[0-9]+$/.test(digits)) return null;
    const fits = digits.length >= CODE_LENGTH.min && digits.length <= CODE_LENGTH.max;
    return fits ? { by: 'code', code: digits } : null;
  }

  /** What `key` opens, found by `find` (see matchCode and matchQr). Call inside a transaction. */
  match<T extends { codeDigest: string | null; qrDigest?: string | null }>(
    key: CustomerKey,
    find: FindByDigest<T>,
  ): Result<T, CodeRejection> {
    return key.by === 'code' ? this.matchCode(key.code, find) : this.matchQr(key.payload, find);
  }

  retryAfterMs(): number {
    const { db, clock, policy } = this.ctx;
    const check = checkThrottle(loadThrottle(db), policy.codeThrottle, clock.now());
    return check.allowed ? 0 : check.retryAfterMs;
  }

  /** Wrong codes the keypad still takes before it makes anyone wait (core/codeThrottle.ts). */
  attemptsLeft(): number {
    const { db, clock, policy } = this.ctx;
    return attemptsLeft(loadThrottle(db), policy.codeThrottle, clock.now());
  }

  /**
   * Finds what `code` opens by its keyed digest. Only a failure touches the throttle: a match
   * (whatever it then opens or not) neither feeds nor clears it. Call inside a transaction;
   * the throttle state it updates commits with the caller's outcome.
   */
  private matchCode<T extends { codeDigest: string | null }>(
    code: string,
    find: FindByDigest<T>,
  ): Result<T, CodeRejection> {
    const { db, clock } = this.ctx;
    const now = clock.now();
    const state = loadThrottle(db);
    const check = checkThrottle(state, this.ctx.policy.codeThrottle, now);
    if (!check.allowed) return err({ reason: 'throttled', retryAfterMs: check.retryAfterMs });

    const digest = codeDigest(this.ctx.codeDigestKey, code);
    const found = find('code', digest);
    if (found?.codeDigest && codeDigestsEqual(found.codeDigest, digest)) return ok(found);
    return this.failed(now);
  }

  /**
   * Finds what the scanned `payload` (a whole `LKP2:`/`LKR2:` payload, src/shared/qrToken.ts)
   * opens by its keyed digest, outside the keypad throttle. Call inside a transaction.
   */
  private matchQr<T extends { qrDigest?: string | null }>(
    payload: string,
    find: FindByDigest<T>,
  ): Result<T, CodeRejection> {
    const now = this.ctx.clock.now();
    const check = checkScan(this.scans, QR_FAILURES_PER_MINUTE, now);
    if (!check.allowed) return err({ reason: 'throttled', retryAfterMs: check.retryAfterMs });
    const digest = codeDigest(this.ctx.codeDigestKey, payload);
    const found = find('qr', digest);
    if (found?.qrDigest && codeDigestsEqual(found.qrDigest, digest)) return ok(found);
    this.scans = recordScanFailure(this.scans, now);
    this.ctx.audit.append('security.qr_rejected', { failuresInMinute: this.scans.failures.length });
    return err({ reason: 'code_invalid' });
  }

  /** A wrong typed code: the throttle's debt grows, and the cloud hears of it. */
  private failed(now: number): Result<never, CodeRejection> {
    const { db, clock } = this.ctx;
    const state = loadThrottle(db);
    // Time pays the debt off by the clock no one can step, where the last failure was seen in
    // this process: a wall clock moved forward gives no fresh tries.
    const mono = clock.monotonic?.();
    const last = this.lastFailure;
    const paidUntil =
      mono !== undefined && last?.at === state.at
        ? state.at + Math.min(now - state.at, mono - last.mono)
        : now;
    const failure = recordFailure(state, this.ctx.policy.codeThrottle, now, paidUntil);
    this.lastFailure = mono === undefined ? undefined : { at: now, mono };
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
