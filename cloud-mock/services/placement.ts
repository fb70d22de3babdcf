/**
 * Whether everything a locker has promised, and one more parcel, can each have a free
 * compartment it fits (by sorted dimensions and weight, DESIGN §3): a matching of promises to
 * the compartments actually free, so a size class with one free compartment too small for the
 * parcel is not offered, and promises made earlier keep their room.
 */
import { sizeRank, type Dimensions, type Size } from '../../src/shared/domain';
import type { CloudCompartment } from '../store/compartments';
import { fits } from './fit';

/** A promise to place: a parcel (dimensions and weight known) or a return (its size only). */
export type Promised =
  | { kind: 'parcel'; dimensions: Dimensions; weightG: number; size: Size }
  | { kind: 'return'; size: Size };

type Free = Pick<CloudCompartment, 'id' | 'size' | 'inner' | 'maxWeightG'>;

function takes(c: Free, p: Promised): boolean {
  // A return is dropped into a compartment of its size or, when none is free, a larger one.
  if (p.kind === 'return') return sizeRank(c.size) >= sizeRank(p.size);
  return fits(p, c);
}

/**
 * Places every promise and the new one (in a compartment of `size` only, when given); false
 * when some promise would be left without one (augmenting paths: a locker has tens of
 * compartments, so this costs microseconds).
 */
export function canPlace(
  free: readonly Free[],
  promised: readonly Promised[],
  extra: Promised,
  size: Size | null,
): boolean {
  const candidates: boolean[][] = promised.map((p) => free.map((c) => takes(c, p)));
  candidates.push(free.map((c) => (size === null || c.size === size) && takes(c, extra)));
  const holder: (number | null)[] = free.map(() => null);
  const place = (i: number, seen: boolean[]): boolean => {
    for (let c = 0; c < free.length; c++) {
      if (!candidates[i]![c] || seen[c]) continue;
      seen[c] = true;
      const other = holder[c];
      if (other === null || other === undefined || place(other, seen)) {
        holder[c] = i;
        return true;
      }
    }
    return false;
  };
  // The new parcel first: its choice is the narrowest.
  const order = [candidates.length - 1, ...promised.map((_, i) => i)];
  return order.every((i) =>
    place(
      i,
      free.map(() => false),
    ),
  );
}
