/**
 * What the locker's operations answer: the values and error reasons of deposits, pickups,
 * returns, collection, staff actions and badge logins. Declared once here; KioskCore's services
 * return them, and the IPC contract carries them to the screens, which turn each reason into a
 * sentence in the customer's language.
 */
import type { Size } from './domain';

export type BadgeRejection =
  'not_a_badge' | 'bad_signature' | 'expired' | 'not_for_this_locker' | 'revoked' | 'no_cloud_key';

/**
 * What every door-opening request may answer besides its own reasons: the board gave no usable
 * answer and could not be read (the door may be open; the compartment waits in inspection), or
 * the bus is down and nothing was pulsed.
 */
export type DoorUncertain =
  { reason: 'door_unknown'; compartmentId: string } | { reason: 'doors_unavailable' };

export type CodeRejection =
  | { reason: 'bad_format' }
  | { reason: 'throttled'; retryAfterMs: number }
  | { reason: 'code_invalid' };

export interface PickupOpened {
  operationId: number;
  parcelId: string;
  compartmentId: string;
}
export type PickupError =
  | CodeRejection
  | { reason: 'parcel_expired' }
  | { reason: 'door_failed' }
  | DoorUncertain
  /** "Door didn't open" for a pickup that is not (or no longer) this screen's. */
  | { reason: 'no_such_pickup' }
  | Extract<DoorContradiction, { reason: 'door_was_open' }>;

/** Refusals of "doesn't fit" / "door didn't open" that the door's sensed state contradicts. */
export type DoorContradiction =
  /** "Doesn't fit" while the door stands open: take the item out and close it first. */
  | { reason: 'close_door_first'; compartmentId: string }
  /** "Doesn't fit" on a door never seen open: say "door didn't open" instead. */
  | { reason: 'door_not_open'; compartmentId: string }
  /** "Door didn't open" on a door that was seen open. */
  | { reason: 'door_was_open'; compartmentId: string };

export type AllocationFailure =
  { reason: 'no_compartment_fits' } | { reason: 'no_free_compartment'; size: Size };

export interface DepositStarted {
  operationId: number;
  parcelId: string;
  compartmentId: string;
  size: Size;
}
export type DepositError =
  | { reason: 'not_a_courier' }
  | { reason: 'bad_barcode' }
  | { reason: 'already_deposited'; compartmentId: string | null }
  | { reason: 'parcel_cancelled' }
  | { reason: 'size_needed' }
  | { reason: 'no_such_deposit' }
  | { reason: 'no_larger_compartment' }
  | { reason: 'door_failed'; tried: string[] }
  /** The kiosk's disk is below its reserve: no parcel is taken in until there is room. */
  | { reason: 'storage_full' }
  | AllocationFailure
  | DoorUncertain
  | DoorContradiction;

export interface ReturnOpened {
  operationId: number;
  returnId: string;
  /** The short reference the receipt shows (shared/returnReference.ts). */
  reference: string;
  compartmentId: string;
  size: Size;
}
export type ReturnError =
  | CodeRejection
  | AllocationFailure
  | { reason: 'no_such_return_deposit' }
  | { reason: 'no_larger_compartment' }
  | { reason: 'door_failed' }
  /** The kiosk's disk is below its reserve: no return is taken in until there is room. */
  | { reason: 'storage_full' }
  | DoorUncertain
  | DoorContradiction;

export interface Collectable {
  compartmentId: string;
  kind: 'expired_parcel' | 'return';
  /** What the courier scans out: the parcel's tracking barcode or the return's id. */
  barcode: string;
  /** What people read: the tracking barcode, or the return's short reference (also scannable). */
  reference: string;
}
export type CollectionError =
  | { reason: 'not_authorized' }
  | { reason: 'nothing_to_collect' }
  | { reason: 'door_busy' }
  | { reason: 'door_failed' }
  | { reason: 'not_in_an_open_compartment' }
  | DoorUncertain;

export type StaffError =
  | { reason: 'not_staff' }
  | { reason: 'reason_required' }
  | { reason: 'no_such_compartment' }
  | { reason: 'door_busy' }
  | { reason: 'door_failed' }
  | { reason: 'not_out_of_service' }
  /** IR senses an item in a compartment that should be empty: take it out first. */
  | { reason: 'item_sensed' }
  | DoorUncertain;
