/**
 * A unit's layout changes (compartment.added / compartment.removed, when its configuration is
 * applied at start-up) change what the cloud may promise: an added compartment is counted and
 * promised, a removed one is neither. Runs inside the ingest transaction.
 */
import { z } from 'zod';
import { sizeRank } from '../../src/shared/domain';
import type { SignedEvent } from '../../src/shared/events';
import {
  addCompartment,
  deleteCompartment,
  getCompartment,
  listCompartments,
} from '../store/compartments';
import type { Locker } from '../store/lockers';
import type { CloudContext } from './context';

const id = z.string().min(1).max(128);
const mm = z.number().int().positive();
const Added = z.object({
  compartmentId: id,
  size: z.enum(['S', 'M', 'L', 'XL']),
  // Not sent by units today; taken when a unit does.
  inner: z.object({ lengthMm: mm, widthMm: mm, heightMm: mm }).optional(),
  maxWeightG: z.number().int().positive().optional(),
  lowerDoor: z.boolean().optional(),
});
const Removed = z.object({ compartmentId: id });

/**
 * A compartment the cloud did not know is recorded with the shape the event gives or else the
 * smallest shape of its size at this locker (promised by that, never by more); with neither, no
 * dimensions, so it is counted but nothing is promised into it until it is provisioned.
 * One the cloud knows (every compartment at a unit's first start) changes nothing.
 */
export function compartmentAdded(ctx: CloudContext, l: Locker, e: SignedEvent): void {
  const p = Added.parse(e.payload);
  const known = getCompartment(ctx.db, l.id, p.compartmentId);
  if (known) {
    if (known.size !== p.size)
      ctx.log.warn(
        { lockerId: l.id, compartmentId: p.compartmentId, cloud: known.size, unit: p.size },
        'the unit reports a known compartment with another size; the provisioned size stays',
      );
    return;
  }
  const sameSize = listCompartments(ctx.db, l.id)
    .filter((c) => c.size === p.size)
    .sort((a, b) => volume(a.inner) - volume(b.inner))[0];
  const inner = p.inner ?? sameSize?.inner ?? { lengthMm: 0, widthMm: 0, heightMm: 0 };
  if (!p.inner && !sameSize)
    ctx.log.warn(
      { lockerId: l.id, compartmentId: p.compartmentId, size: p.size },
      'added compartment of a size this locker had none of: no dimensions, nothing promised into it',
    );
  addCompartment(
    ctx.db,
    {
      lockerId: l.id,
      id: p.compartmentId,
      size: p.size,
      inner,
      maxWeightG: p.maxWeightG ?? sameSize?.maxWeightG ?? 0,
      lowerDoor: p.lowerDoor ?? sizeRank(p.size) >= sizeRank('L'),
    },
    e.seq,
  );
  ctx.log.info({ lockerId: l.id, compartmentId: p.compartmentId }, 'compartment added');
}

export function compartmentRemoved(ctx: CloudContext, l: Locker, e: SignedEvent): void {
  const { compartmentId } = Removed.parse(e.payload);
  const known = getCompartment(ctx.db, l.id, compartmentId);
  if (!known || !deleteCompartment(ctx.db, l.id, compartmentId)) {
    ctx.log.warn({ lockerId: l.id, compartmentId }, 'removed compartment unknown to the cloud');
    return;
  }
  ctx.log.info({ lockerId: l.id, compartmentId }, 'compartment removed; no longer promised');
}

const volume = (d: { lengthMm: number; widthMm: number; heightMm: number }) =>
  d.lengthMm * d.widthMm * d.heightMm;
