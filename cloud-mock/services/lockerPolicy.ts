/**
 * A locker's policy held by the cloud: its code length. A change applies to the codes issued
 * from now on (the unit still takes the older ones) and goes to the unit as config.update.
 */
import { ok, type Result } from '../../src/shared/result';
import type { LockerPolicyRequest, LockerPolicyResponse } from '../../src/shared/rest/schemas';
import { getLocker, setCodeLength } from '../store/lockers';
import type { Commands } from './commands';
import type { CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

export async function setLockerPolicy(
  ctx: CloudContext,
  commands: Commands,
  lockerId: string,
  req: LockerPolicyRequest,
): Promise<Result<LockerPolicyResponse, Refusal>> {
  const result = ctx.db
    .transaction((): Result<LockerPolicyResponse, Refusal> => {
      const locker = getLocker(ctx.db, lockerId);
      if (!locker) return notFound('locker');
      setCodeLength(ctx.db, lockerId, req.codeLength);
      // Sent even when unchanged: an operator's PUT also repairs a unit that disagrees. A unit
      // not enrolled or offline gets it when it next comes online.
      const commandId = commands.issue(lockerId, 'config.update', { codeLength: req.codeLength });
      ctx.log.info({ lockerId, codeLength: req.codeLength, commandId }, 'locker policy set');
      return ok({ lockerId, codeLength: req.codeLength, commandId });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}
