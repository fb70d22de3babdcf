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
  /** The kiosk's disk is full: nothing was done (and no door opened). */
  | { reason: 'storage_full' }
  /** The shell could not reach main (web shell connection lost). */
  | { reason: 'unavailable' };

export interface SessionInfo {
  role: BadgeRole;
  subject: string;
  /** Epoch ms after which the session ends unless something is done. */
  expiresAt: number;
}

export type {
  AllocationFailure,
  BadgeRejection,
  CodeRejection,
  Collectable,
  CollectionError,
  DepositError,
  DepositStarted,
  PickupError,
  PickupOpened,
  ReturnError,
  ReturnOpened,
  StaffError,
} from '../outcomes';

/** A parcel this courier deposited during the current visit (since the badge login). */
export interface VisitDeposit {
  parcelId: string;
  trackingBarcode: string;
  compartmentId: string;
  depositedAt: number;
}

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
  /** Digits of the codes the cloud now issues here; the keypad takes any code of 6–10. */
  codeLength: number;
}

export interface Diagnostics {
  lockBoard: {
    /** A fault while the bus is down or any board cannot be read. */
    state: 'ok' | 'fault';
    busConnected: boolean;
    /** Boards that cannot be read now: why (timeout, bad_reply) and since when. */
    silentBoards: { board: number; failure: string; since: number }[];
    lastFault: string | null;
    lastFaultAt: number | null;
  };
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
  /** What the screen puts in words: the door, who, and why (a reason, evidence or failure). */
  compartmentId: string | null;
  actor: string | null;
  reason: string | null;
  /** A one-line summary of the rest of the payload, for the details. */
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
