/**
 * What the renderer's one store holds and can do, declared in one place: the state main
 * reports, the screen, and each journey's actions. The slices implement these interfaces and
 * kioskStore.ts puts them together; nothing here imports a slice, so there is no cycle.
 */
import type { StateCreator } from 'zustand';
import type { Size } from '../../shared/domain';
import type { KioskApi } from '../../shared/ipc/contract';
import type { KioskEvents, KioskStatus, LockerLayout, SessionInfo } from '../../shared/ipc/types';
import type { HomeNotice, Screen, StaffTab } from './screens';

export type Language = 'en' | 'de' | 'pl';

/** What main reports, the person's preferences, the clocks and the open screen. */
export interface BaseSlice {
  api: KioskApi | null;
  status: KioskStatus | null;
  layout: LockerLayout | null;
  session: SessionInfo | null;
  language: Language;
  largeText: boolean;
  /** Epoch ms, moved by the one-second ticker (clock, countdowns, idle). */
  now: number;
  lastActivity: number;
  sessionTouchedAt: number;
  /** Code entry refused until this epoch ms (too many wrong codes). */
  throttleUntil: number | null;
  screen: Screen;
  setApi(api: KioskApi): void;
  setLanguage(language: Language): void;
  toggleLargeText(): void;
  tick(now: number): void;
  activity(): void;
  refreshLayout(): Promise<void>;
  refreshStatus(): Promise<void>;
}

/** Who is at the screen and where they are: screens, login, logout, scans and pushes routed. */
export interface SessionSlice {
  go(screen: Screen['name']): void;
  /** Back to the start (Back): the person's language and text size stay. */
  goHome(notice?: HomeNotice): Promise<void>;
  /**
   * The person is done (Done, Log out, idle, session expired): back to the start as the next
   * person should find it, in the default language and text size.
   */
  endSession(notice?: HomeNotice): Promise<void>;
  login(token: string): Promise<void>;
  /** A scan from the hardware scanner or the keyboard wedge, routed by the open screen. */
  handleScan(text: string): Promise<void>;
  onPush<E extends keyof KioskEvents>(event: E, payload: KioskEvents[E]): void;
}

/** A customer's code entry (pickup and return share it) and their door. */
export interface PickupSlice {
  typeDigit(digit: string): void;
  backspace(): void;
  clearCode(): void;
  submitCode(method?: 'code' | 'qr', scanned?: string): Promise<void>;
  /** "Door didn't open": the door's one reopen, then a fault (or, for a return, another door). */
  customerDoorDidNotOpen(): Promise<void>;
  /** A parcel left inside: the same code once more opens the same door. */
  openAgain(): Promise<void>;
  toggleHelp(): void;
  /** A door push event for the customer's door screen. */
  customerDoorEvent(event: DoorPush): void;
}

export interface ReturnSlice {
  returnDoesntFit(): Promise<void>;
}

export interface DepositSlice {
  /** The courier's screen, fresh, with this visit's deposits re-read. */
  enterCourier(): void;
  refreshDeposits(): Promise<void>;
  startDeposit(barcode: string, size?: Size): Promise<void>;
  depositDoesntFit(): Promise<void>;
  depositDoorDidNotOpen(): Promise<void>;
  cancelSize(): void;
  depositDoorEvent(event: DoorPush): void;
}

export interface CollectionSlice {
  openCollection(): Promise<void>;
  collectNext(): Promise<void>;
  /** Opens the door of the item chosen from the list. */
  collectOne(compartmentId: string): Promise<void>;
  scanOut(barcode: string): Promise<void>;
  collectionDoorEvent(event: DoorPush): void;
}

export interface StaffSlice {
  /** The staff screen, fresh, its grid read. */
  enterStaff(): void;
  staffTab(tab: StaffTab): Promise<void>;
  staffSelect(compartmentId: string | null): void;
  staffReason(reason: string): void;
  /** Opens the on-screen keyboard for a reason of one's own. */
  staffOtherReason(): void;
  staffKeyboardText(text: string): void;
  /** Closes the keyboard, keeping its text as the reason (`use`) or not. */
  staffKeyboardDone(use: boolean): void;
  staffOpenDoor(): Promise<void>;
  staffSetService(inService: boolean): Promise<void>;
  staffOpenAllExpired(): Promise<void>;
  refreshStaff(): Promise<void>;
}

/** The door push events a journey's screen follows. */
export type DoorPush =
  | { event: 'door:opened'; payload: KioskEvents['door:opened'] }
  | { event: 'operation:finished'; payload: KioskEvents['operation:finished'] };

export type KioskState = BaseSlice &
  SessionSlice &
  PickupSlice &
  ReturnSlice &
  DepositSlice &
  CollectionSlice &
  StaffSlice;

export type Slice<T> = StateCreator<KioskState, [], [], T>;
