/** The unit's fit rule (DESIGN §3), for the cloud's size choice: sorted dimensions and weight. */
import type { Dimensions } from '../../src/shared/domain';

const sorted = (d: Dimensions): number[] =>
  [d.lengthMm, d.widthMm, d.heightMm].sort((a, b) => a - b);

export function fits(
  parcel: { dimensions: Dimensions; weightG: number },
  compartment: { inner: Dimensions; maxWeightG: number },
): boolean {
  const p = sorted(parcel.dimensions);
  const c = sorted(compartment.inner);
  return parcel.weightG <= compartment.maxWeightG && p.every((v, i) => v <= (c[i] ?? 0));
}
