/**
 * The store's base: the shell's API, what main reports (status, layout), the person's
 * preferences, and the clocks (the one-second tick moves countdowns and the idle timer).
 */
import { idlePhase } from './idle';
import type { BaseSlice, Slice } from './kioskState';
import { home } from './screens';

const SESSION_TOUCH_EVERY_MS = 20_000;
/** How long the start screen says why it came back by itself. */
export const HOME_NOTICE_MS = 20_000;

export const createBaseSlice: Slice<BaseSlice> = (set, get) => ({
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
    if (screen.name !== 'home' && idlePhase(now, lastActivity) === 'expired')
      void get().endSession('idle');
    // The notice was for the person who walked away, not for the next one.
    if (screen.name === 'home' && screen.notice && now - screen.since >= HOME_NOTICE_MS)
      set({ screen: { ...screen, notice: null } });
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
