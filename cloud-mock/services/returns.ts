/**
 * Customer returns: capacity of the size, a return code and QR to the customer, return.expect
 * to the unit; cancelled over REST or lapsed when nobody drops it, sending return.cancel, the
 * compartment let go once the unit confirms (releases.ts).
 */
import { ok, type Result } from '../../src/shared/result';
import type { ReturnRequest } from '../../src/shared/rest/schemas';
import type { ApiKeyRecord } from '../store/apiKeys';
import { getLocker } from '../store/lockers';
import { insertOwner } from '../store/owners';
import { getReturn, insertReturn, listLapsedReturns } from '../store/returns';
import { promisableSize } from './capacity';
import { newLockerCode } from './codes';
import type { Commands } from './commands';
import { DAY_MS, type CloudContext } from './context';
import { notifyReturnCode } from './notifications';
import { notFound, refuse, type Refusal } from './refusal';
import { requestReturnRelease } from './releases';

export async function createReturn(
  ctx: CloudContext,
  commands: Commands,
  req: ReturnRequest,
  caller: Pick<ApiKeyRecord, 'id'> | null = null,
): Promise<Result<{ returnId: string; returnCode: string; commandId: string }, Refusal>> {
  const result = ctx.db
    .transaction(() => {
      const locker = getLocker(ctx.db, req.lockerId);
      if (!locker) return notFound('locker');
      if (locker.codeDigestKey === null)
        return refuse(409, 'not_enrolled', `locker ${locker.id} has not enrolled yet`);
      if (promisableSize(ctx.db, locker.id, { kind: 'return', size: req.size }) === null)
        return refuse(409, 'no_capacity', `no ${req.size} compartment is free for a return`);
      const codeKey = Buffer.from(locker.codeDigestKey, 'base64url');
      const issued = newLockerCode(ctx, locker, codeKey, 'return');
      const now = ctx.clock.now();
      const ret = {
        returnId: ctx.newId(),
        lockerId: locker.id,
        size: req.size,
        state: 'expected' as const,
        customer: JSON.stringify(req.customer),
        returnCode: issued.code,
        codeDigest: issued.digest,
        qrPayload: issued.qrPayload,
        compartmentId: null,
        createdAt: now,
        closedAt: null,
        lapsesAt: now + ctx.policy.returnDays * DAY_MS,
        releasePending: null,
        lockerRefusal: null,
      };
      insertReturn(ctx.db, ret);
      insertOwner(ctx.db, 'return', ret.returnId, {
        apiKeyId: caller?.id ?? null,
        language: req.language,
      });
      const commandId = commands.issue(locker.id, 'return.expect', {
        returnId: ret.returnId,
        size: req.size,
        codeDigest: issued.digest,
        qrDigest: issued.qrDigest,
      });
      notifyReturnCode(ctx, ret, locker.name);
      return ok({ returnId: ret.returnId, returnCode: issued.code, commandId });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}

/** POST /returns/:id/cancel: a return not dropped yet; the unit is told with return.cancel. */
export async function cancelReturn(
  ctx: CloudContext,
  commands: Commands,
  returnId: string,
): Promise<Result<{ returnId: string; state: 'cancelled'; commandId: string }, Refusal>> {
  const result = ctx.db
    .transaction(() => {
      const ret = getReturn(ctx.db, returnId);
      if (!ret) return notFound('return');
      if (ret.state !== 'expected')
        return refuse(409, 'not_cancellable', `the return is ${ret.state}`);
      const commandId = requestReturnRelease(ctx, commands, ret, 'cancel', ctx.clock.now());
      return ok({ returnId, state: 'cancelled' as const, commandId });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}

/** Inside the scheduler's transaction: lapses every expected return nobody dropped in time. */
export function lapseReturns(ctx: CloudContext, commands: Commands, now: number): number {
  const due = listLapsedReturns(ctx.db, now);
  for (const ret of due) requestReturnRelease(ctx, commands, ret, 'lapse', now);
  return due.length;
}
