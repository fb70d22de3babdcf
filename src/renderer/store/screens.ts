/** What the screen shows: one state per screen, each carrying what that screen needs. */
import type { Size } from '../../shared/domain';
import type {
  BadgeRejection,
  Collectable,
  Diagnostics,
  RecentEvent,
  StaffCompartment,
  VisitDeposit,
} from '../../shared/ipc/types';

/** A door we are waiting on: unlocked → sensed open → closed (or given up). */
export type DoorPhase = 'opening' | 'open' | 'closed' | 'abandoned';

/** One sentence the customer sees; wrong and used codes share `codeInvalid` on purpose. */
export type CustomerNotice =
  | 'codeInvalid'
  | 'parcelExpired'
  | 'doorFailed'
  | 'doorUnknown'
  | 'doorsUnavailable'
  | 'storageFull'
  | 'unavailable';

export interface ActiveDeposit {
  operationId: number;
  compartmentId: string;
  barcode: string;
  size: Size;
  phase: DoorPhase;
  reason: string | null;
  /** When this door began opening: the screen says what to do if it stays shut. */
  since: number;
  /** "Door didn't open" was answered with the door's one reopen. */
  reopened?: boolean;
  /** "Doesn't fit" was said while the door stood open: it must be emptied and closed first. */
  closingFirst?: boolean;
}

/** A message by i18n key, with its values. */
export interface Notice {
  tone: 'ok' | 'info' | 'warning' | 'error';
  key: string;
  params?: Record<string, string | number | undefined>;
}

export type StaffTab = 'grid' | 'events' | 'system';

/** Why the start screen came back by itself: a session expired, or nobody touched the screen. */
export type HomeNotice = 'sessionExpired' | 'idle';

/** What the keypad screens hold besides their notice. */
export interface CodeEntry {
  code: string;
  busy: boolean;
  /** The code shown is the one just refused: kept to compare with the message, not cleared. */
  rejected?: boolean;
  /** After a wrong code: the wrong codes the keypad still takes before it waits. */
  attemptsLeft?: number | null;
}

/** A customer's door, opened for a pickup or a return, until they are done with it. */
export interface CustomerDoor {
  name: 'customerDoor';
  purpose: 'pickup' | 'return';
  operationId: number;
  compartmentId: string;
  /** What proves the operation is this screen's: the parcel's id (pickup) or the return's. */
  proof: string;
  phase: DoorPhase;
  /** When this door began opening: the screen says what to do if it stays shut. */
  since: number;
  /** The return's short reference and when it went in, for the receipt. */
  receipt: { returnId: string; reference: string; at: number } | null;
  reason: string | null;
  /** "Door didn't open" was answered with the door's one reopen. */
  reopened: boolean;
  /** "It doesn't fit" was said while the door stood open: empty it and close it first. */
  closingFirst: boolean;
  /** The code that opened it, for one "Open again" if the parcel is left inside. */
  again: { code: string; method: 'code' | 'qr' } | null;
  /** The help text is showing. */
  help: boolean;
  busy: boolean;
  notice: Notice | null;
}

export type Screen =
  | { name: 'home'; notice: HomeNotice | null; since: number }
  | ({ name: 'pickup'; notice: CustomerNotice | null } & CodeEntry)
  | ({ name: 'return'; notice: CustomerNotice | 'noSpace' | null } & CodeEntry)
  | CustomerDoor
  | {
      name: 'courierLogin';
      notice: BadgeRejection | 'notACourier' | 'parcelBeforeLogin' | null;
      busy: boolean;
    }
  | {
      name: 'courier';
      deposit: ActiveDeposit | null;
      /** An unannounced parcel: the courier picks its size. */
      sizeFor: string | null;
      deposits: VisitDeposit[];
      notice: Notice | null;
      busy: boolean;
    }
  | {
      name: 'collection';
      items: Collectable[];
      current: { item: Collectable; phase: DoorPhase; scannedOut: boolean } | null;
      collected: Collectable[];
      notice: Notice | null;
      busy: boolean;
    }
  | {
      name: 'staff';
      tab: StaffTab;
      compartments: StaffCompartment[];
      selected: string | null;
      /** Kept across actions on the selected compartment; cleared when another is chosen. */
      reason: string;
      /** The on-screen keyboard's text for an "other" reason; null while it is closed. */
      keyboard: string | null;
      events: RecentEvent[];
      diagnostics: Diagnostics | null;
      notice: Notice | null;
      busy: boolean;
    };

export type ScreenName = Screen['name'];

export const home: Screen = { name: 'home', notice: null, since: 0 };
