/**
 * Who is at the screen and where they are: moving between screens, a badge login, going home
 * (which logs out), and routing scans and push events from main to the journey they belong to.
 */
import type { KioskEvents } from '../../shared/ipc/types';
import { readQr } from '../../shared/qrToken';
import type { DoorPush, SessionSlice, Slice } from './kioskState';
import { home, type Screen } from './screens';

/** What the next person finds: the locker's language and normal text. */
const DEFAULTS = { language: 'en', largeText: false } as const;
import { sliceTools } from './sliceTools';

const BADGE = /^LKB1\./;
// A door that fails is not always the screen's own doing (a jam found by the detection window).
const SELF_ENDED = new Set(['doesnt_fit', 'cancelled']);
const KNOWN_REJECTIONS = [
  'not_a_badge',
  'bad_signature',
  'expired',
  'not_for_this_locker',
  'revoked',
  'no_cloud_key',
] as const;

export const createSessionSlice: Slice<SessionSlice> = (set, get) => {
  const { api } = sliceTools(set, get);

  return {
    go: (name) => {
      const screens: Record<string, Screen> = {
        home,
        pickup: { name: 'pickup', code: '', notice: null, busy: false },
        return: { name: 'return', code: '', notice: null, busy: false },
        courierLogin: { name: 'courierLogin', notice: null, busy: false },
      };
      if (name === 'courier' && get().session) return get().enterCourier();
      const next = screens[name];
      if (!next) throw new Error(`screen ${name} is entered through its action`);
      set({ screen: next, lastActivity: Math.max(Date.now(), get().now) });
      if (name === 'pickup' || name === 'return')
        void api()
          .invoke('pickup:throttle', {})
          .then((r) => {
            if (r.ok && r.value.retryAfterMs > 0)
              set({ throttleUntil: get().now + r.value.retryAfterMs });
          });
    },

    goHome: async (notice) => {
      const { session, screen } = get();
      set({ screen: { name: 'home', notice: notice ?? null, since: get().now }, session: null });
      if (screen.name === 'courier' && screen.deposit?.phase === 'opening')
        await api().invoke('deposit:cancel', { operationId: screen.deposit.operationId });
      if (session) await api().invoke('session:logout', {});
    },

    endSession: async (notice) => {
      set({ language: DEFAULTS.language, largeText: DEFAULTS.largeText });
      await get().goHome(notice);
    },

    login: async (token) => {
      const r = await api().invoke('session:badge', { token });
      if (!r.ok) {
        const notice = r.error.reason === 'invalid_input' ? 'not_a_badge' : r.error.reason;
        const reason = (KNOWN_REJECTIONS as readonly string[]).includes(notice)
          ? (notice as (typeof KNOWN_REJECTIONS)[number])
          : 'not_a_badge';
        set({ screen: { name: 'courierLogin', notice: reason, busy: false } });
        return;
      }
      set({ session: r.value, sessionTouchedAt: get().now, lastActivity: get().now });
      if (r.value.role === 'staff') get().enterStaff();
      else get().enterCourier();
    },

    handleScan: async (text) => {
      const { screen } = get();
      get().activity();
      if (BADGE.test(text)) {
        if (screen.name === 'home' || screen.name === 'courierLogin') await get().login(text);
        return;
      }
      // Never a silent non-response: a parcel label before the badge says what to do.
      if (screen.name === 'courierLogin')
        return set({ screen: { ...screen, notice: 'parcelBeforeLogin' } });
      switch (screen.name) {
        case 'home':
        case 'pickup':
        case 'return': {
          // A return QR goes to the return flow and a pickup QR to pickup, wherever scanned;
          // anything else is tried where it was scanned (pickup, from home).
          const kind = readQr(text)?.kind;
          const here = screen.name === 'home' ? 'pickup' : screen.name;
          const target = kind === 'return' || kind === 'pickup' ? kind : here;
          if (screen.name !== target || screen.busy)
            set({ screen: { name: target, code: '', notice: null, busy: false } });
          return get().submitCode('qr', text);
        }
        case 'courier': {
          const inUse = screen.deposit?.phase === 'opening' || screen.deposit?.phase === 'open';
          // Never a silent drop: a scan while a door is in play says what to finish first.
          if (inUse && screen.deposit)
            return set({
              screen: {
                ...screen,
                notice: {
                  tone: 'warning',
                  key: 'deposit.finishFirst',
                  params: { id: screen.deposit.compartmentId, barcode: text },
                },
              },
            });
          if (!screen.busy) return get().startDeposit(text);
          return;
        }
        case 'collection':
          return get().scanOut(text);
        default:
          return;
      }
    },

    onPush: (event, payload) => {
      const s = get().screen;
      if (event === 'status:changed')
        return set({ status: payload as KioskEvents['status:changed'] });
      if (event === 'locker:changed') {
        void get().refreshLayout();
        if (s.name === 'staff') void get().refreshStaff();
        return;
      }
      if (event === 'scan:received')
        return void get().handleScan((payload as KioskEvents['scan:received']).text);
      if (event === 'session:expired') {
        if (s.name === 'courier' || s.name === 'collection' || s.name === 'staff')
          void get().endSession('sessionExpired');
        return set({ session: null });
      }
      if (event === 'door:opened' || event === 'operation:finished') {
        const finished = payload as KioskEvents['operation:finished'];
        // Ended by the person's own "doesn't fit" / "didn't open": the answer brings the next door.
        if (event === 'operation:finished' && finished.reason !== null)
          if (SELF_ENDED.has(finished.reason)) return;
        const door = { event, payload } as DoorPush;
        if (s.name === 'customerDoor') get().customerDoorEvent(door);
        else if (s.name === 'courier') get().depositDoorEvent(door);
        else if (s.name === 'collection') get().collectionDoorEvent(door);
      }
    },
  };
};
