/**
 * What the kiosk screens and Electron main exchange: the values and error reasons of every IPC
 * channel and the payloads of the push events. Main's handlers are type-checked against these,
 * so a drift in KioskCore's result types fails the build rather than reaching a screen.
 */
import type { BadgeRole, CompartmentState, DoorOperationKind, Size } from '../domain';

/** Errors any channel may answer with, besides its own. */
export type CommonError =
  | { reason: 'invalid_input'; problems: string[] }
  | { reason: 'not_logged_in' }
  | { reason: 'not_allowed' }
  | { reason: 'internal_error' }
  /** The shell could not reach main (web shell connection lost). */
  | { reason: 'unavailable' };

export interface SessionInfo {
  role: BadgeRole;
  subject: string;
  /** Epoch ms after which the session ends unless something is done. */
  expiresAt: number;
}

export type BadgeRejection =
  'not_a_badge' | 'bad_signature' | 'expired' | 'not_for_this_locker' | 'revoked' | 'no_cloud_key';

export type CodeRejection =
  | { reason: 'bad_format' }
  | { reason: 'throttled'; retryAfterMs: number }
  | { reason: 'code_invalid' };

export interface PickupOpened {
  operationId: number;
  parcelId: string;
  compartmentId: string;
}
export type PickupError = CodeRejection | { reason: 'parcel_expired' } | { reason: 'door_failed' };

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
  | AllocationFailure;

/** A parcel this courier deposited during the current visit (since the badge login). */
export interface VisitDeposit {
  parcelId: string;
  trackingBarcode: string;
  compartmentId: string;
  depositedAt: number;
}

export interface ReturnOpened {
  operationId: number;
  returnId: string;
  compartmentId: string;
  size: Size;
}
export type ReturnError =
  | CodeRejection
  | AllocationFailure
  | { reason: 'no_such_return_deposit' }
  | { reason: 'no_larger_compartment' }
  | { reason: 'door_failed' };

export interface Collectable {
  compartmentId: string;
  kind: 'expired_parcel' | 'return';
  /** What the courier scans out: the parcel's tracking barcode or the return's id. */
  barcode: string;
}
export type CollectionError =
  | { reason: 'not_authorized' }
  | { reason: 'nothing_to_collect' }
  | { reason: 'door_busy' }
  | { reason: 'door_failed' }
  | { reason: 'not_in_an_open_compartment' };

export type StaffError =
  | { reason: 'not_staff' }
  | { reason: 'reason_required' }
  | { reason: 'no_such_compartment' }
  | { reason: 'door_busy' }
  | { reason: 'door_failed' }
  | { reason: 'not_out_of_service' };

/** One door of the locker as drawn on screen: column by id letter, row by number. */
export interface LayoutCompartment {
  id: string;
  column: string;
  row: number;
  size: Size;
  heightMm: number;
  lowerDoor: boolean;
  state: CompartmentState;
  /** Last sensed door position; null until the board has been read. */
  doorOpen: boolean | null;
}

export interface LockerLayout {
  lockerId: string;
  columns: string[];
  compartments: LayoutCompartment[];
}

/** What staff see of a compartment besides its state. */
export interface StaffCompartment extends LayoutCompartment {
  itemPresent: boolean | null;
  outOfServiceReason: string | null;
  content:
    | { kind: 'parcel'; trackingBarcode: string; expired: boolean; expiresAt: number | null }
    | { kind: 'return'; returnId: string }
    | null;
  /** The door operation under way on it, if any. */
  operation: DoorOperationKind | null;
}

export interface LinkState {
  online: boolean;
  /** Epoch ms of the last change; null when never connected. */
  since: number | null;
}

export interface KioskStatus {
  lockerId: string;
  cloud: LinkState;
  /** Events recorded but not yet acknowledged by the cloud. */
  eventsWaiting: number;
  /** Epoch ms of the oldest event waiting; null when none. */
  oldestWaitingAt: number | null;
}

export interface Diagnostics {
  lockBoard: { state: 'ok' | 'fault'; lastFault: string | null; lastFaultAt: number | null };
  scanner: 'connected' | 'disconnected' | 'none';
  simulated: boolean;
  doorsOpen: string[];
  outOfService: { compartmentId: string; reason: string | null }[];
  pendingOperations: { compartmentId: string; kind: DoorOperationKind; startedAt: number }[];
}

export interface RecentEvent {
  seq: number;
  type: string;
  at: string;
  /** A one-line summary of the payload for the staff screen. */
  summary: string;
}

export type OperationOutcome = 'completed' | 'abandoned';

/** Push events from main, by name. */
export interface KioskEvents {
  'door:opened': { compartmentId: string; operation: DoorOperationKind | 'unexpected' };
  'door:closed': { compartmentId: string; operation: DoorOperationKind };
  /** A door operation ended: the deposit, pickup, return, collection or staff opening is done. */
  'operation:finished': {
    compartmentId: string;
    operation: DoorOperationKind;
    outcome: OperationOutcome;
    reason: string | null;
  };
  'scan:received': { text: string; symbology: string };
  'status:changed': KioskStatus;
  /** Compartment states or doors changed: screens showing the locker re-read it. */
  'locker:changed': Record<string, never>;
  'session:expired': { role: BadgeRole };
}
