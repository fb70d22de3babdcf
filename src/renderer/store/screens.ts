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
  | 'unavailable';

export interface ActiveDeposit {
  operationId: number;
  compartmentId: string;
  barcode: string;
  size: Size;
  phase: DoorPhase;
  reason: string | null;
  /** "Doesn't fit" was said while the door stood open: it must be emptied and closed first. */
  closingFirst?: boolean;
}

/** A message by i18n key, with its values. */
export interface Notice {
  tone: 'ok' | 'error';
  key: string;
  params?: Record<string, string | number | undefined>;
}

export type StaffTab = 'grid' | 'events' | 'system';

export type Screen =
  | { name: 'home'; notice: 'sessionExpired' | null }
  | { name: 'pickup'; code: string; notice: CustomerNotice | null; busy: boolean }
  | { name: 'return'; code: string; notice: CustomerNotice | 'noSpace' | null; busy: boolean }
  | {
      name: 'customerDoor';
      purpose: 'pickup' | 'return';
      operationId: number;
      compartmentId: string;
      phase: DoorPhase;
      /** The return's reference and when it went in, for the receipt. */
      receipt: { returnId: string; at: number } | null;
      reason: string | null;
      busy: boolean;
      notice: 'noLargerCompartment' | 'closeDoorFirst' | 'unavailable' | null;
    }
  | { name: 'courierLogin'; notice: BadgeRejection | 'notACourier' | null; busy: boolean }
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
      reason: string;
      events: RecentEvent[];
      diagnostics: Diagnostics | null;
      notice: Notice | null;
      busy: boolean;
    };

export type ScreenName = Screen['name'];

export const home: Screen = { name: 'home', notice: null };
