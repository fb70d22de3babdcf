/**
 * The courier or staff member logged in at the screen: one at a time, started by a badge scan,
 * ended by logout, after a quiet spell, or at once when its badge is revoked. Every
 * authenticated call keeps it alive.
 */
import type { BadgeRole } from '../../shared/domain';
import type { SessionInfo } from '../../shared/ipc/types';
import type { Actor } from '../services/context';

export interface SessionOptions {
  /** A session with no activity for this long ends (default 3 minutes). */
  idleMs?: number;
  now?: () => number;
  /** The session ended without a logout: it idled out or its badge was revoked. */
  onExpired?: (role: BadgeRole) => void;
}

interface Active {
  actor: Actor & { role: BadgeRole };
  /** The badge that began it: what a revocation names. */
  badgeId: string;
  startedAt: number;
  expiresAt: number;
}

export class Session {
  private active: Active | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 180_000;
    this.now = options.now ?? Date.now;
  }

  begin(role: BadgeRole, subject: string, badgeId: string): SessionInfo {
    const now = this.now();
    this.active = {
      actor: { role, subject },
      badgeId,
      startedAt: now,
      expiresAt: now + this.idleMs,
    };
    this.arm();
    return this.info()!;
  }

  /** The logged-in actor, if any; extends the session. */
  touch(): SessionInfo | null {
    if (!this.active) return null;
    this.active.expiresAt = this.now() + this.idleMs;
    this.arm();
    return this.info();
  }

  actor(): (Actor & { role: BadgeRole }) | null {
    return this.active?.actor ?? null;
  }

  startedAt(): number | null {
    return this.active?.startedAt ?? null;
  }

  info(): SessionInfo | null {
    const a = this.active;
    return a ? { role: a.actor.role, subject: a.actor.subject, expiresAt: a.expiresAt } : null;
  }

  end(): void {
    clearTimeout(this.timer);
    this.active = null;
  }

  /** Ends the session if `badgeId` began it (the badge was revoked); says whether it did. */
  endForBadge(badgeId: string): boolean {
    if (this.active?.badgeId !== badgeId) return false;
    this.expire();
    return true;
  }

  private expire(): void {
    const role = this.active?.actor.role;
    this.end();
    if (role) this.options.onExpired?.(role);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), this.idleMs);
    this.timer.unref?.();
  }
}
