/**
 * The renderer's one store, built from slices: the shell's API, what main reports (status,
 * locker layout, session), preferences, the idle clock, and the screen with its actions.
 * Main and SQLite are the truth: nothing here is persisted, everything is re-read from main.
 */
import { create, type StateCreator } from 'zustand';
import type { KioskApi } from '../../shared/ipc/contract';
import type { KioskStatus, LockerLayout, SessionInfo } from '../../shared/ipc/types';
import { home, type Screen } from './screens';
import { createFlowSlice, type FlowSlice } from './flowSlice';

export type Language = 'en' | 'de' | 'pl';

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

export type KioskState = BaseSlice & FlowSlice;
export type Slice<T> = StateCreator<KioskState, [], [], T>;

/** Screens return home after this long without a touch; the warning shows for the last part. */
export const IDLE_MS = 60_000;
export const IDLE_WARNING_MS = 15_000;
const SESSION_TOUCH_EVERY_MS = 20_000;

export const idlePhase = (now: number, lastActivity: number): 'active' | 'warning' | 'expired' =>
  now - lastActivity >= IDLE_MS
    ? 'expired'
    : now - lastActivity >= IDLE_MS - IDLE_WARNING_MS
      ? 'warning'
      : 'active';

const createBaseSlice: Slice<BaseSlice> = (set, get) => ({
  api: null,
  status: null,
  layout: null,
  session: null,
  language: 'en',
  largeText: false,
  now: Date.now(),
  lastActivity: Date.now(),
  sessionTouchedAt: 0,
  throttleUntil: null,
  screen: home,
  setApi: (api) => set({ api }),
  setLanguage: (language) => set({ language }),
  toggleLargeText: () => set({ largeText: !get().largeText }),
  tick: (now) => {
    const { throttleUntil, screen, lastActivity } = get();
    set({
      now,
      ...(throttleUntil !== null && now >= throttleUntil ? { throttleUntil: null } : {}),
    });
    if (screen.name !== 'home' && idlePhase(now, lastActivity) === 'expired') void get().goHome();
  },
  activity: () => {
    const { session, api, sessionTouchedAt } = get();
    const at = Math.max(Date.now(), get().now);
    set({ lastActivity: at });
    // Keep a courier's or staff session alive while they work, without a call per touch.
    if (session && api && at - sessionTouchedAt > SESSION_TOUCH_EVERY_MS) {
      set({ sessionTouchedAt: at });
      void api.invoke('session:touch', {}).then((r) => {
        if (r.ok) set({ session: r.value });
      });
    }
  },
  refreshLayout: async () => {
    const r = await get().api?.invoke('locker:layout', {});
    if (r?.ok) set({ layout: r.value });
  },
  refreshStatus: async () => {
    const r = await get().api?.invoke('status:get', {});
    if (r?.ok) set({ status: r.value });
  },
});

export const useKiosk = create<KioskState>()((...a) => ({
  ...createBaseSlice(...a),
  ...createFlowSlice(...a),
}));

const initial = useKiosk.getState();

/** Back to a fresh store (tests, between customers nothing else is kept). */
export function resetKioskStore(): void {
  useKiosk.setState(initial, true);
}
