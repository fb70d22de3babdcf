/** Customer returns: capacity of the size, a return code and QR to the customer, return.expect to the unit. */
import { ok, type Result } from '../../src/shared/result';
import type { ReturnRequest } from '../../src/shared/rest/schemas';
import type { ApiKeyRecord } from '../store/apiKeys';
import { getLocker } from '../store/lockers';
import { insertOwner } from '../store/owners';
import { insertReturn } from '../store/returns';
import { availability } from './capacity';
import { newLockerCode } from './codes';
import type { Commands } from './commands';
import type { CloudContext } from './context';
import { notifyReturnCode } from './notifications';
import { notFound, refuse, type Refusal } from './refusal';

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
      if (availability(ctx.db, locker)[req.size] <= 0)
        return refuse(409, 'no_capacity', `no ${req.size} compartment is free for a return`);
      const codeKey = Buffer.from(locker.codeDigestKey, 'base64url');
      const issued = newLockerCode(ctx, locker, codeKey, 'return');
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
        createdAt: ctx.clock.now(),
        closedAt: null,
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
