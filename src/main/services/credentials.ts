/**
 * Verifies courier and staff badges offline (DESIGN §3): the cloud's signature, expiry, the
 * locker list and the revocation list the cloud pushed. A refused badge is audited, and whoever
 * holds a session subscribes to revocations so a revoked badge is logged out at once.
 */
import type { BadgeRejection } from '../../shared/outcomes';
import type { KeyObject } from 'node:crypto';
import type { BadgeClaims } from '../../shared/badge';
import { readBadgeToken } from '../../shared/node/badgeToken';
import { err, ok, type Result } from '../../shared/result';
import { latestEventTime } from '../store/events';
import { isBadgeRevoked, revokeBadge } from '../store/revokedBadges';
import type { Actor, LockerContext } from './context';

export type RevocationListener = (badgeId: string) => void;

export class Credentials {
  private readonly revocationListeners = new Set<RevocationListener>();

  constructor(
    private readonly ctx: LockerContext,
    private readonly cloudKey: () => KeyObject | null,
  ) {}

  login(token: string): Result<Actor & { badgeId: string }, BadgeRejection> {
    const checked = this.check(token);
    this.ctx.db.transaction(() => {
      if (checked.ok)
        this.ctx.audit.append('staff.login', {
          actor: `${checked.value.role}:${checked.value.sub}`,
          role: checked.value.role,
        });
      else this.ctx.audit.append('badge.rejected', { reason: checked.error });
    })();
    if (!checked.ok) return checked;
    return ok({ role: checked.value.role, subject: checked.value.sub, badgeId: checked.value.id });
  }

  /**
   * Records the revocation and tells the listeners at once, even inside the caller's transaction:
   * ending a session early is safe if that transaction were rolled back.
   */
  revoke(badgeId: string): void {
    revokeBadge(this.ctx.db, badgeId, this.ctx.clock.now());
    for (const listener of this.revocationListeners) {
      try {
        listener(badgeId);
      } catch (e) {
        // A listener's bug must not undo the revocation itself.
        this.ctx.log.error({ err: e, badgeId }, 'revocation listener failed');
      }
    }
  }

  /** Calls `listener` with each badge id revoked from now on; returns the unsubscribe. */
  onRevoked(listener: RevocationListener): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private check(token: string): Result<BadgeClaims, BadgeRejection> {
    const key = this.cloudKey();
    if (!key) return err('no_cloud_key');
    const read = readBadgeToken(token, key);
    if (!read.ok) return read;
    const claims = read.value;
    // Expiry against the latest time this locker has recorded, not only its clock: a clock
    // stepped back (by NTP or by someone) must not revive a badge that has expired here.
    const now = Math.max(this.ctx.clock.now(), latestEventTime(this.ctx.db));
    if (Date.parse(claims.exp) <= now) return err('expired');
    if (claims.lockers && !claims.lockers.includes(this.ctx.lockerId))
      return err('not_for_this_locker');
    if (isBadgeRevoked(this.ctx.db, claims.id)) return err('revoked');
    return ok(claims);
  }
}
