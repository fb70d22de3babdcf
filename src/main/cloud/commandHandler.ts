/**
 * Applies verified cloud commands through KioskCore, exactly once per id, and answers every
 * command the cloud signed with a `command.result` event, which reaches the cloud through the
 * outbox. Only an applied command's id is recorded: one refused (expired, not yet valid, bad
 * payload) can come again and be applied. An applied command delivered again is answered
 * `replayed` only once its latest answer has been acked (replayAnswers.ts), and the seq of that
 * answer is written with it, in its transaction; a command refused again for the same reason is
 * likewise not answered while its refusal is unacked (refusalAnswers.ts). A message whose
 * signature does not verify is never answered in the cloud's name: it becomes a throttled
 * `command.rejected_unverified` event. A command's id, its effect and its result are committed
 * in one transaction where the effect is synchronous; a remote door opening is marked handled
 * before the door is unlocked, so a crash can never open the door twice for one command.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  CommandPayloadSchemas,
  CommandRejectedUnverified,
  CommandType,
  SignedCommand,
} from '../../shared/protocol/commands';
import type { z } from 'zod';
import type { PolicyConfig } from '../config/kioskConfig';
import type { Clock } from '../services/context';
import type { KioskCore } from '../services/kioskCore';
import type { Db } from '../store/database';
import { latestEventTime } from '../store/events';
import {
  markCommandProcessed,
  pruneProcessedCommands,
  setAnsweredSeq,
} from '../store/processedCommands';
import { checkCommand, type AcceptedCommand, type RefusedCommand } from './commandCheck';
import {
  applyStoredPolicy,
  CLOUD_POLICY_KEYS,
  savePolicyOverrides,
  type PolicyChanges,
} from './policyOverrides';
import { RefusalAnswers } from './refusalAnswers';
import { replayAnswer } from './replayAnswers';
import { TokenBucket } from './tokenBucket';

export interface CommandHandlerDeps {
  db: Db;
  core: KioskCore;
  lockerId: string;
  cloudKey: KeyObject;
  /** The policy object KioskCore's services read; config.update changes it in place. */
  policy: PolicyConfig;
  clock: Clock;
  log: Logger;
  /** Publishes the state snapshot now (state.request). */
  publishSnapshot: () => void;
  /** Called with every measured skew of a signed command for this locker. */
  onSkew: (skewMs: number) => void;
  /** How far ahead of local time an issue time may be (default 24 h). */
  futureSkewMs?: number;
  /** A skew beyond this is written as a clock.skew event (default 5 min). */
  skewThresholdMs?: number;
}

type Payload<T extends CommandType> = z.output<(typeof CommandPayloadSchemas)[T]>;
type Outcome = { ok: true; detail?: string } | { ok: false; error: string; detail?: string };

const DAY_MS = 86_400_000;
const SKEW_EVENT_EVERY_MS = 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

export class CommandHandler {
  private queue: Promise<void> = Promise.resolve();
  private readonly futureSkewMs: number;
  private readonly skewThresholdMs: number;
  /** Records of unverified messages are throttled, so a flood cannot fill the audit log. */
  private readonly unverifiedRecords: TokenBucket;
  /** Answers to refused commands, so a resend refused alike is not answered twice unacked. */
  private readonly refusals = new RefusalAnswers();
  private lastSkewEventAt = -Infinity;
  private lastPruneAt = -Infinity;

  constructor(private readonly d: CommandHandlerDeps) {
    this.futureSkewMs = d.futureSkewMs ?? DAY_MS;
    this.skewThresholdMs = d.skewThresholdMs ?? 300_000;
    this.unverifiedRecords = new TokenBucket(1, 20, () => d.clock.now());
  }

  /**
   * Handles one message from the commands topic, one at a time in arrival order. Resolves once
   * the command's fate is durable (so the caller may acknowledge the MQTT message); a remote
   * door opening carries on after that.
   */
  receive(raw: Buffer): Promise<void> {
    let durable!: () => void;
    const decided = new Promise<void>((resolve) => (durable = resolve));
    this.queue = this.queue
      .then(() => this.process(raw, durable))
      .catch((e: unknown) => this.d.log.error({ err: e }, 'command handling failed'))
      .finally(() => durable());
    return decided;
  }

  /** Waits for every command received so far (tests, orderly shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async process(raw: Buffer, durable: () => void): Promise<void> {
    const now = this.d.clock.now();
    // The same floor as badge expiry: a clock set back cannot make an old command young.
    const floor = latestEventTime(this.d.db);
    this.prune(Math.max(now, floor));
    const checked = checkCommand(raw, {
      lockerId: this.d.lockerId,
      cloudKey: this.d.cloudKey,
      now,
      floor,
      futureSkewMs: this.futureSkewMs,
    });
    const skewOf = checked.ok ? checked.command.id : checked.id;
    // Measured only on a signed command for this locker that has not outlived its lifetime.
    if (checked.skewMs !== undefined && skewOf !== undefined)
      this.recordSkew(checked.skewMs, skewOf);
    if (!checked.ok) return this.refuse(checked);
    const { command } = checked;
    // Trusted time only from a command accepted in its lifetime, never an expired one late.
    this.d.core.confirmTime(Date.parse(command.issuedAt));
    this.d.log.info({ commandId: command.id, type: command.type }, 'cloud command accepted');
    if (command.type === 'door.open_remote') return this.openDoor(checked, durable);
    this.applyNow(checked);
    if (command.type === 'state.request') this.d.publishSnapshot();
  }

  private refuse(r: RefusedCommand): void {
    this.d.log.warn(
      { commandId: r.id, type: r.type, reason: r.reason, detail: r.detail },
      'cloud command refused',
    );
    if (!r.signed) return this.recordUnverified(r);
    // Signed by the cloud, so its id is real; not applied, so not recorded: it may come again.
    const id = r.id!;
    const waiting = this.refusals.onItsWay(this.d.db, id, r.reason);
    if (waiting !== null) {
      this.d.log.debug(
        { commandId: id, type: r.type, reason: 'answer_unacked', answeredSeq: waiting },
        'cloud command refused again while its refusal is on its way; not answered again',
      );
      return;
    }
    const answered = this.d.db.transaction(() =>
      this.answer(id, r.type!, { ok: false, error: r.reason, detail: r.detail }),
    )();
    this.refusals.answered(id, r.reason, answered.seq);
  }

  /** Not the cloud's word: what it claims is kept for forensics, never answered as a result. */
  private recordUnverified(r: RefusedCommand): void {
    if (!this.unverifiedRecords.tryTake()) return;
    const payload: CommandRejectedUnverified = { reason: r.reason, detail: r.detail };
    if (r.id !== undefined) payload.claimedId = r.id;
    if (r.type !== undefined) payload.claimedType = r.type;
    this.d.db.transaction(() => this.d.core.audit.append('command.rejected_unverified', payload))();
  }

  private applyNow(c: AcceptedCommand): void {
    const { command } = c;
    try {
      this.d.db.transaction(() => {
        if (!this.mark(c)) return this.answerReplay(command);
        this.answerApplied(command, this.apply(command, c.payload));
      })();
      // Only after the commit: a rolled-back update must not change the running policy.
      if (command.type === 'config.update') applyStoredPolicy(this.d.db, this.d.policy);
    } catch (e) {
      // A bug in a service: the transaction rolled back; record the id so it is not retried.
      this.d.log.error({ err: e, commandId: command.id }, 'cloud command failed');
      this.d.db.transaction(() => {
        if (!this.mark(c)) return;
        this.answerApplied(command, {
          ok: false,
          error: 'internal_error',
          detail: (e as Error).message,
        });
      })();
    }
  }

  private async openDoor(c: AcceptedCommand, durable: () => void): Promise<void> {
    const { command } = c;
    const fresh = this.d.db.transaction(() => {
      const marked = this.mark(c);
      if (!marked) this.answerReplay(command);
      return marked;
    })();
    durable();
    if (!fresh) return;
    const p = c.payload as Payload<'door.open_remote'>;
    const result = await this.d.core.staff.openDoor(
      { role: 'cloud', subject: p.requestedBy },
      p.compartmentId,
      p.reason,
    );
    this.d.db.transaction(() =>
      this.answerApplied(
        command,
        result.ok ? { ok: true } : { ok: false, error: result.error.reason },
      ),
    )();
  }

  /** The synchronous commands, inside the caller's transaction. */
  private apply(command: SignedCommand, payload: unknown): Outcome {
    const { core } = this.d;
    switch (command.type) {
      case 'parcel.expect':
        return fromService(core.announcements.expectParcel(payload));
      case 'parcel.cancel': {
        const p = payload as Payload<'parcel.cancel'>;
        return fromService(core.announcements.cancelParcel(p.parcelId));
      }
      case 'parcel.code': {
        const p = payload as Payload<'parcel.code'>;
        return fromService(core.announcements.setParcelCode(p.parcelId, p.codeDigest, p.qrDigest));
      }
      case 'parcel.extend': {
        const p = payload as Payload<'parcel.extend'>;
        const r = core.announcements.extendParcel(p.parcelId, p.holdDays);
        return r.ok
          ? { ok: true, detail: `expires ${new Date(r.value.expiresAt).toISOString()}` }
          : fromService(r);
      }
      case 'return.expect':
        return fromService(core.announcements.expectReturn(payload));
      case 'return.cancel': {
        const p = payload as Payload<'return.cancel'>;
        return fromService(core.announcements.cancelReturn(p.returnId));
      }
      case 'compartment.set_service': {
        const p = payload as Payload<'compartment.set_service'>;
        const actor = { role: 'cloud' as const, subject: 'cloud' };
        const r = p.inService
          ? core.staff.setInService(actor, p.compartmentId, p.reason)
          : core.staff.setOutOfService(actor, p.compartmentId, p.reason);
        return r.ok ? { ok: true } : { ok: false, error: r.error.reason };
      }
      case 'credentials.revoke': {
        const p = payload as Payload<'credentials.revoke'>;
        for (const badgeId of p.badgeIds) core.credentials.revoke(badgeId);
        return { ok: true, detail: `${p.badgeIds.length} badge(s) revoked` };
      }
      case 'config.update':
        return this.updatePolicy(payload as Payload<'config.update'>);
      case 'state.request':
        return { ok: true };
      case 'door.open_remote':
        throw new Error('door.open_remote is applied asynchronously');
    }
  }

  private updatePolicy(p: Payload<'config.update'>): Outcome {
    const changes: PolicyChanges = {};
    for (const key of CLOUD_POLICY_KEYS) if (p[key] !== undefined) changes[key] = p[key];
    if (Object.keys(changes).length === 0) return { ok: true, detail: 'nothing to change' };
    savePolicyOverrides(this.d.db, changes);
    this.d.core.audit.append('config.updated', { changes: { ...changes }, actor: 'cloud:cloud' });
    return { ok: true, detail: JSON.stringify(changes) };
  }

  /** Records the id of a command being applied; false: it was applied before (a replay). */
  private mark(c: AcceptedCommand): boolean {
    return markCommandProcessed(this.d.db, {
      id: c.command.id,
      type: c.command.type,
      issuedAt: Date.parse(c.command.issuedAt),
      notAfter: c.notAfter,
      receivedAt: this.d.clock.now(),
    });
  }

  /** An applied command delivered again, inside the caller's transaction. */
  private answerReplay(command: SignedCommand): void {
    const decided = replayAnswer(this.d.db, command.id);
    if (!decided.answer) {
      this.d.log.debug(
        {
          commandId: command.id,
          type: command.type,
          reason: 'answer_unacked',
          answeredSeq: decided.answeredSeq,
        },
        'cloud command resent while its answer is on its way; not answered again',
      );
      return;
    }
    this.d.log.warn({ commandId: command.id, type: command.type }, 'cloud command replayed');
    this.answerApplied(command, {
      ok: false,
      error: 'replayed',
      detail: 'this id was handled before; the first result stands',
    });
  }

  /** Answers an applied command and records where the answer sits, in one transaction. */
  private answerApplied(command: SignedCommand, outcome: Outcome): void {
    const answered = this.answer(command.id, command.type, outcome);
    setAnsweredSeq(this.d.db, command.id, answered.seq);
  }

  private answer(commandId: string, type: CommandType, outcome: Outcome): { seq: number } {
    const payload: {
      commandId: string;
      type: string;
      ok: boolean;
      error?: string;
      detail?: string;
    } = {
      commandId,
      type,
      ok: outcome.ok,
    };
    if (!outcome.ok) payload.error = outcome.error.slice(0, 200);
    if (outcome.detail !== undefined) payload.detail = outcome.detail.slice(0, 1000);
    return this.d.core.audit.append('command.result', payload);
  }

  private recordSkew(skewMs: number, commandId: string): void {
    this.d.onSkew(skewMs);
    const now = this.d.clock.now();
    if (Math.abs(skewMs) <= this.skewThresholdMs) return;
    if (now - this.lastSkewEventAt < SKEW_EVENT_EVERY_MS) return;
    this.lastSkewEventAt = now;
    this.d.log.warn({ skewMs, commandId }, 'clock differs from the cloud');
    this.d.db.transaction(() =>
      this.d.core.audit.append('clock.skew', {
        skewMs,
        thresholdMs: this.skewThresholdMs,
        commandId,
      }),
    )();
  }

  private prune(at: number): void {
    if (at - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = at;
    // An id can go once its command is refused as expired without it; the future-skew margin
    // covers a clock that reads behind the cloud's.
    pruneProcessedCommands(this.d.db, at - this.futureSkewMs);
  }
}

type ServiceResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { reason: string; detail?: string; problems?: string[] } };

function fromService(r: ServiceResult): Outcome {
  if (r.ok) return typeof r.value === 'string' ? { ok: true, detail: r.value } : { ok: true };
  const detail = r.error.detail ?? r.error.problems?.join('; ');
  const error = r.error.reason === 'invalid' ? 'invalid_payload' : r.error.reason;
  return detail !== undefined ? { ok: false, error, detail } : { ok: false, error };
}
