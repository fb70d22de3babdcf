/**
 * Which compartment a parcel goes into (DESIGN §3): the smallest size that fits, keeping
 * capacity for parcels already expected here, lower doors for accessible parcels, and wear
 * spread by least recent use. Pure: the caller passes the compartments and expectations.
 */
import type { AllocationFailure } from '../../shared/outcomes';
import { sizeRank, type CompartmentState, type Dimensions, type Size } from '../../shared/domain';
import { err, ok, type Result } from '../../shared/result';

export interface ParcelShape {
  dimensions: Dimensions;
  weightG: number;
}

export interface CompartmentCandidate {
  id: string;
  size: Size;
  inner: Dimensions;
  maxWeightG: number;
  lowerDoor: boolean;
  state: CompartmentState;
  /** Sensed open: a compartment whose door stands open is not offered. */
  doorOpen: boolean;
  /** Epoch ms of the last deposit; null when never used. */
  lastUsedAt: number | null;
}

export interface AllocationRequest {
  parcel: ParcelShape & { accessible: boolean };
  compartments: readonly CompartmentCandidate[];
  /** Other parcels announced for this locker and not yet deposited. */
  expected: readonly ParcelShape[];
  /** After "doesn't fit": only sizes strictly larger than this one. */
  largerThan?: Size;
  /** Compartments already tried in this deposit (door did not open, did not fit). */
  exclude?: ReadonlySet<string>;
}

const sorted = (d: Dimensions): number[] =>
  [d.lengthMm, d.widthMm, d.heightMm].sort((a, b) => a - b);

/** Fits when each sorted parcel dimension is within the matching sorted inner dimension. */
export function fits(
  parcel: ParcelShape,
  compartment: Pick<CompartmentCandidate, 'inner' | 'maxWeightG'>,
): boolean {
  const p = sorted(parcel.dimensions);
  const c = sorted(compartment.inner);
  return parcel.weightG <= compartment.maxWeightG && p.every((v, i) => v <= (c[i] ?? 0));
}

/** The smallest size any in-service compartment of this locker could take the parcel in. */
export function neededSize(
  parcel: ParcelShape,
  compartments: readonly CompartmentCandidate[],
): Size | null {
  const sizes = compartments
    .filter((c) => c.state !== 'out_of_service' && fits(parcel, c))
    .map((c) => c.size)
    .sort((a, b) => sizeRank(a) - sizeRank(b));
  return sizes[0] ?? null;
}

export function chooseCompartment(
  request: AllocationRequest,
): Result<CompartmentCandidate, AllocationFailure> {
  const { parcel, compartments, expected, largerThan, exclude } = request;
  const fitting = compartments.filter(
    (c) =>
      fits(parcel, c) &&
      c.state !== 'out_of_service' &&
      !exclude?.has(c.id) &&
      (largerThan === undefined || sizeRank(c.size) > sizeRank(largerThan)),
  );
  if (fitting.length === 0) return err({ reason: 'no_compartment_fits' });

  const free = fitting.filter((c) => c.state === 'available' && !c.doorOpen);
  const freeSizes = [...new Set(free.map((c) => c.size))].sort((a, b) => sizeRank(a) - sizeRank(b));
  if (freeSizes.length === 0) {
    const smallest = [...fitting].sort((a, b) => sizeRank(a.size) - sizeRank(b.size))[0];
    return err({ reason: 'no_free_compartment', size: smallest?.size ?? 'XL' });
  }

  // Count what the expected parcels will need, each at its own smallest size.
  const demand = new Map<Size, number>();
  for (const e of expected) {
    const size = neededSize(e, compartments);
    if (size) demand.set(size, (demand.get(size) ?? 0) + 1);
  }
  const freeCount = (size: Size) =>
    compartments.filter((c) => c.size === size && c.state === 'available').length;

  // Smallest size first, unless taking it would leave an expected parcel without its size
  // while a larger free compartment exists for this one.
  const chosenSize =
    freeSizes.find(
      (size, i) => i === freeSizes.length - 1 || freeCount(size) > (demand.get(size) ?? 0),
    ) ?? freeSizes[0]!;

  const ofSize = free.filter((c) => c.size === chosenSize);
  const preferred = ofSize.filter((c) => c.lowerDoor === parcel.accessible);
  const pool = preferred.length > 0 ? preferred : ofSize;
  const best = [...pool].sort(
    (a, b) => (a.lastUsedAt ?? -1) - (b.lastUsedAt ?? -1) || a.id.localeCompare(b.id),
  )[0]!;
  return ok(best);
}

/**
 * The outer dimensions assumed for an item known only by a size (an unannounced parcel whose
 * size the courier picked, a return): the smallest of each inner dimension among compartments
 * of that size, so it fits any of them.
 */
export function nominalDimensions(
  size: Size,
  compartments: readonly Pick<CompartmentCandidate, 'size' | 'inner'>[],
): Dimensions {
  const dims = compartments.filter((c) => c.size === size).map((c) => c.inner);
  if (dims.length === 0) return { lengthMm: 1, widthMm: 1, heightMm: 1 };
  const min = (k: keyof Dimensions) => Math.min(...dims.map((d) => d[k]));
  return { lengthMm: min('lengthMm'), widthMm: min('widthMm'), heightMm: min('heightMm') };
}

/** After "doesn't fit", any failure to find a place means there is no larger compartment. */
export function orNoLargerCompartment<T, E extends { reason: string }>(
  result: Result<T, E>,
): Result<T, E | { reason: 'no_larger_compartment' }> {
  return !result.ok &&
    (result.error.reason === 'no_compartment_fits' || result.error.reason === 'no_free_compartment')
    ? err({ reason: 'no_larger_compartment' })
    : result;
}
