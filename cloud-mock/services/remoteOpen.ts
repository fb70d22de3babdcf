/** Remote door opening by an operator: a reason, an actor, and a door.open_remote command. */
import { ok, type Result } from '../../src/shared/result';
import { getCompartment } from '../store/compartments';
import { getLocker } from '../store/lockers';
import type { Commands } from './commands';
import type { CloudContext } from './context';
import { notFound, refuse, type Refusal } from './refusal';

export async function openRemote(
  ctx: CloudContext,
  commands: Commands,
  lockerId: string,
  req: { compartmentId: string; reason: string; requestedBy: string },
): Promise<Result<{ commandId: string }, Refusal>> {
  const result = ctx.db
    .transaction(() => {
      const locker = getLocker(ctx.db, lockerId);
      if (!locker) return notFound('locker');
      if (!getCompartment(ctx.db, lockerId, req.compartmentId))
        return notFound(`compartment ${req.compartmentId} at locker ${lockerId}`);
      if (locker.enrolledAt === null)
        return refuse(409, 'not_enrolled', `locker ${lockerId} has not enrolled yet`);
      ctx.log.info({ lockerId, ...req }, 'remote open requested');
      return ok({ commandId: commands.issue(lockerId, 'door.open_remote', req) });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}
