/** The locker's vocabulary, shared by the kiosk, its screens and the cloud. */

export const SIZES = ['S', 'M', 'L', 'XL'] as const;
export type Size = (typeof SIZES)[number];

export const sizeRank = (size: Size): number => SIZES.indexOf(size);

/** Outer dimensions of a parcel or inner dimensions of a compartment, in millimetres. */
export interface Dimensions {
  lengthMm: number;
  widthMm: number;
  heightMm: number;
}

export const COMPARTMENT_STATES = ['available', 'reserved', 'occupied', 'out_of_service'] as const;
export type CompartmentState = (typeof COMPARTMENT_STATES)[number];

export const PARCEL_STATES = [
  'expected',
  'deposited',
  'picked_up',
  'expired',
  'collected',
  'cancelled',
] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

export const RETURN_STATES = ['expected', 'deposited', 'collected'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];

/**
 * Digits in a pickup or return code: each locker's length (cloud policy) lies in this range,
 * and a unit takes a code of any length in it, so a change of length strands no issued code.
 */
export const CODE_LENGTH = { min: 6, max: 10 } as const;

export const BADGE_ROLES = ['courier', 'staff'] as const;
export type BadgeRole = (typeof BADGE_ROLES)[number];

/** Why a door is being opened; each kind finishes differently when the door closes. */
export const DOOR_OPERATION_KINDS = [
  'deposit',
  'pickup',
  'return_deposit',
  'collection',
  'staff_open',
] as const;
export type DoorOperationKind = (typeof DOOR_OPERATION_KINDS)[number];
