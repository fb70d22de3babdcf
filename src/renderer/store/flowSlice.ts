/**
 * The screens' actions: what each button and each scan does, and how push events from main
 * move the screen on. Every call goes through the shell's KioskApi and comes back as a result.
 */
import { CODE_LENGTH, type Size } from '../../shared/domain';
import type { KioskEvents } from '../../shared/ipc/types';
import { readQr } from '../../shared/qrToken';
import type { Slice } from './kioskStore';
import {
  home,
  type ActiveDeposit,
  type CustomerNotice,
  type Screen,
  type StaffTab,
} from './screens';

export interface FlowSlice {
  go(screen: Screen['name']): void;
  goHome(notice?: 'sessionExpired'): Promise<void>;
  /** A scan from the hardware scanner or the keyboard wedge, routed by the open screen. */
  handleScan(text: string): Promise<void>;
  typeDigit(digit: string): void;
  backspace(): void;
  clearCode(): void;
  submitCode(method?: 'code' | 'qr', scanned?: string): Promise<void>;
  returnDoesntFit(): Promise<void>;
  login(token: string): Promise<void>;
  startDeposit(barcode: string, size?: Size): Promise<void>;
  depositDoesntFit(): Promise<void>;
  depositDoorDidNotOpen(): Promise<void>;
  cancelSize(): void;
  openCollection(): Promise<void>;
  collectNext(): Promise<void>;
  scanOut(barcode: string): Promise<void>;
  staffTab(tab: StaffTab): Promise<void>;
  staffSelect(compartmentId: string | null): void;
  staffReason(reason: string): void;
  staffOpenDoor(): Promise<void>;
  staffSetService(inService: boolean): Promise<void>;
  staffOpenAllExpired(): Promise<void>;
  refreshStaff(): Promise<void>;
  onPush<E extends keyof KioskEvents>(event: E, payload: KioskEvents[E]): void;
}

const BADGE = /^LKB1\./;
// A door that fails is not always the screen's own doing (a jam found by the detection window).
const SELF_ENDED = new Set(['doesnt_fit', 'cancelled']);
/** Refusals that leave the deposit's door in play: the screen keeps it. */
const DOOR_STAYS = new Set(['close_door_first', 'door_not_open', 'door_was_open', 'door_unknown']);

export const createFlowSlice: Slice<FlowSlice> = (set, get) => {
  const api = () => {
    const a = get().api;
    if (!a) throw new Error('the kiosk API is not connected');
    return a;
  };
  /** Update the screen only if it is still the one the action started on. */
  const patch = <N extends Screen['name']>(
    name: N,
    change: (s: Extract<Screen, { name: N }>) => Partial<Extract<Screen, { name: N }>>,
  ) => {
    const s = get().screen;
    if (s.name === name) {
      const current = s as Extract<Screen, { name: N }>;
      set({ screen: { ...current, ...change(current) } });
    }
  };

  const customerNotice = (reason: string): CustomerNotice =>
    reason === 'code_invalid' || reason === 'bad_format' || reason === 'invalid_input'
      ? 'codeInvalid'
      : reason === 'parcel_expired'
        ? 'parcelExpired'
        : reason === 'door_failed'
          ? 'doorFailed'
          : reason === 'door_unknown'
            ? 'doorUnknown'
            : reason === 'doors_unavailable'
              ? 'doorsUnavailable'
              : 'unavailable';

  /**
   * A refused "doesn't fit" / "door didn't open": when the door's sensed state is the reason,
   * the deposit stays on screen with what to do; otherwise it has ended.
   */
  const depositRefused = (
    deposit: ActiveDeposit,
    error: { reason: string; compartmentId?: string | null },
  ) => {
    // The line on screen says what to do now: no separate notice.
    if (error.reason === 'close_door_first')
      return { busy: false, deposit: { ...deposit, closingFirst: true }, notice: null };
    return {
      busy: false,
      deposit: DOOR_STAYS.has(error.reason) ? deposit : null,
      notice: {
        tone: 'error' as const,
        key: `deposit.error.${error.reason}`,
        params: {
          barcode: deposit.barcode,
          compartment: error.compartmentId ?? deposit.compartmentId,
        },
      },
    };
  };

  const refreshDeposits = async () => {
    const r = await api().invoke('deposit:list', {});
    if (r.ok) patch('courier', () => ({ deposits: r.value }));
  };

  const toCourier = () =>
    set({
      screen: {
        name: 'courier',
        deposit: null,
        sizeFor: null,
        deposits: [],
        notice: null,
        busy: false,
      },
    });

  const toStaff = () => {
    set({
      screen: {
        name: 'staff',
        tab: 'grid',
        compartments: [],
        selected: null,
        reason: '',
        events: [],
        diagnostics: null,
        notice: null,
        busy: false,
      },
    });
    void get().refreshStaff();
  };

  return {
    go: (name) => {
      const screens: Record<string, Screen> = {
        home,
        pickup: { name: 'pickup', code: '', notice: null, busy: false },
        return: { name: 'return', code: '', notice: null, busy: false },
        courierLogin: { name: 'courierLogin', notice: null, busy: false },
      };
      if (name === 'courier' && get().session) {
        toCourier();
        void refreshDeposits();
        return;
      }
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
      set({ screen: notice ? { name: 'home', notice } : home, session: null });
      if (screen.name === 'courier' && screen.deposit?.phase === 'opening')
        await api().invoke('deposit:cancel', { operationId: screen.deposit.operationId });
      if (session) await api().invoke('session:logout', {});
    },

    handleScan: async (text) => {
      const { screen } = get();
      get().activity();
      if (BADGE.test(text)) {
        if (screen.name === 'home' || screen.name === 'courierLogin') await get().login(text);
        return;
      }
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
        case 'courier':
          if (
            !screen.busy &&
            screen.deposit?.phase !== 'opening' &&
            screen.deposit?.phase !== 'open'
          )
            return get().startDeposit(text);
          return;
        case 'collection':
          return get().scanOut(text);
        default:
          return;
      }
    },

    typeDigit: (digit) => {
      const s = get().screen;
      if (
        (s.name === 'pickup' || s.name === 'return') &&
        s.code.length < CODE_LENGTH.max &&
        /^\d$/.test(digit)
      )
        set({ screen: { ...s, code: s.code + digit, notice: null } });
    },
    backspace: () => {
      const s = get().screen;
      if (s.name === 'pickup' || s.name === 'return')
        set({ screen: { ...s, code: s.code.slice(0, -1) } });
    },
    clearCode: () => {
      const s = get().screen;
      if (s.name === 'pickup' || s.name === 'return')
        set({ screen: { ...s, code: '', notice: null } });
    },

    submitCode: async (method = 'code', scanned) => {
      const s = get().screen;
      if ((s.name !== 'pickup' && s.name !== 'return') || s.busy) return;
      const { throttleUntil, now } = get();
      // The keypad's delay is for typed codes; a QR token is checked apart (and a flood of
      // them is answered "throttled" by the kiosk itself).
      const token = scanned !== undefined && readQr(scanned)?.kind !== 'keypad_code';
      if (!token && throttleUntil !== null && now < throttleUntil) return;
      const code = scanned ?? s.code;
      if (scanned === undefined ? code.length < CODE_LENGTH.min : code.length === 0) return;
      set({ screen: { ...s, busy: true, notice: null } });
      const channel = s.name === 'pickup' ? 'pickup:code' : 'return:code';
      const r = await api().invoke(channel, { code, method });
      if (r.ok) {
        set({
          screen: {
            name: 'customerDoor',
            purpose: s.name,
            operationId: r.value.operationId,
            compartmentId: r.value.compartmentId,
            phase: 'opening',
            receipt: 'returnId' in r.value ? { returnId: r.value.returnId, at: 0 } : null,
            reason: null,
            busy: false,
            notice: null,
          },
        });
        void get().refreshLayout();
        return;
      }
      const error = r.error;
      if (error.reason === 'throttled') {
        set({ throttleUntil: get().now + error.retryAfterMs });
        patch(s.name, () => ({ busy: false, code: '' }));
        return;
      }
      // The failure that engages the throttle is still "invalid": ask, so the countdown shows now.
      if (error.reason === 'code_invalid') {
        const throttle = await api().invoke('pickup:throttle', {});
        if (throttle.ok && throttle.value.retryAfterMs > 0)
          set({ throttleUntil: get().now + throttle.value.retryAfterMs });
      }
      const notice =
        s.name === 'return' &&
        (error.reason === 'no_free_compartment' || error.reason === 'no_compartment_fits')
          ? 'noSpace'
          : customerNotice(error.reason);
      patch(s.name, () => ({ busy: false, code: '', notice }));
    },

    returnDoesntFit: async () => {
      const s = get().screen;
      if (s.name !== 'customerDoor' || s.purpose !== 'return' || s.busy) return;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('return:doesntFit', {
        operationId: s.operationId,
        returnId: s.receipt?.returnId ?? '',
      });
      if (r.ok)
        set({
          screen: {
            ...s,
            operationId: r.value.operationId,
            compartmentId: r.value.compartmentId,
            phase: 'opening',
            busy: false,
            notice: null,
          },
        });
      else
        patch('customerDoor', () => ({
          busy: false,
          notice:
            r.error.reason === 'no_larger_compartment'
              ? 'noLargerCompartment'
              : r.error.reason === 'close_door_first'
                ? 'closeDoorFirst'
                : 'unavailable',
        }));
      void get().refreshLayout();
    },

    login: async (token) => {
      const r = await api().invoke('session:badge', { token });
      if (!r.ok) {
        const notice = r.error.reason === 'invalid_input' ? 'not_a_badge' : r.error.reason;
        const known = [
          'not_a_badge',
          'bad_signature',
          'expired',
          'not_for_this_locker',
          'revoked',
          'no_cloud_key',
        ] as const;
        const reason = (known as readonly string[]).includes(notice)
          ? (notice as (typeof known)[number])
          : 'not_a_badge';
        set({ screen: { name: 'courierLogin', notice: reason, busy: false } });
        return;
      }
      set({ session: r.value, sessionTouchedAt: get().now, lastActivity: get().now });
      if (r.value.role === 'staff') toStaff();
      else toCourier();
    },

    startDeposit: async (barcode, size) => {
      const s = get().screen;
      if (s.name !== 'courier' || s.busy) return;
      set({ screen: { ...s, busy: true, notice: null, sizeFor: null } });
      const r = await api().invoke('deposit:start', { barcode, ...(size ? { size } : {}) });
      if (r.ok) {
        patch('courier', () => ({
          busy: false,
          deposit: { ...r.value, barcode, phase: 'opening', reason: null },
        }));
        void get().refreshLayout();
        return;
      }
      const e = r.error;
      if (e.reason === 'size_needed')
        return patch('courier', () => ({ busy: false, sizeFor: barcode }));
      if (e.reason === 'not_logged_in') return void get().goHome('sessionExpired');
      patch('courier', () => ({
        busy: false,
        notice: {
          tone: 'error',
          key: `deposit.error.${e.reason}`,
          params: { barcode, compartment: 'compartmentId' in e ? (e.compartmentId ?? '') : '' },
        },
      }));
    },

    depositDoesntFit: async () => {
      const s = get().screen;
      if (s.name !== 'courier' || !s.deposit || s.busy) return;
      const { deposit } = s;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('deposit:doesntFit', { operationId: deposit.operationId });
      patch('courier', () =>
        r.ok
          ? {
              busy: false,
              notice: null,
              deposit: {
                ...deposit,
                ...r.value,
                phase: 'opening',
                reason: null,
                closingFirst: false,
              },
            }
          : depositRefused(deposit, r.error),
      );
      void get().refreshLayout();
    },

    depositDoorDidNotOpen: async () => {
      const s = get().screen;
      if (s.name !== 'courier' || !s.deposit || s.busy) return;
      const { deposit } = s;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('deposit:doorDidNotOpen', { operationId: deposit.operationId });
      patch('courier', () =>
        r.ok
          ? {
              busy: false,
              deposit: {
                ...deposit,
                ...r.value,
                phase: 'opening',
                reason: null,
                closingFirst: false,
              },
              notice: {
                tone: 'ok',
                key: 'deposit.anotherDoor',
                params: { from: deposit.compartmentId, to: r.value.compartmentId },
              },
            }
          : depositRefused(deposit, r.error),
      );
      void get().refreshLayout();
    },

    cancelSize: () => patch('courier', () => ({ sizeFor: null })),

    openCollection: async () => {
      const r = await api().invoke('collection:list', {});
      set({
        screen: {
          name: 'collection',
          items: r.ok ? r.value : [],
          current: null,
          collected: [],
          notice: r.ok ? null : { tone: 'error', key: `collection.error.${r.error.reason}` },
          busy: false,
        },
      });
    },

    collectNext: async () => {
      const s = get().screen;
      if (s.name !== 'collection' || s.busy) return;
      const next = s.items.find(
        (i) => !s.collected.some((c) => c.compartmentId === i.compartmentId),
      );
      if (!next) return;
      set({ screen: { ...s, busy: true, notice: null } });
      const r = await api().invoke('collection:open', { compartmentId: next.compartmentId });
      patch('collection', (c) =>
        r.ok
          ? { busy: false, current: { item: r.value, phase: 'opening', scannedOut: false } }
          : {
              busy: false,
              // A door that will not open is skipped: it is out of service now.
              items: r.error.reason === 'door_failed' ? c.items.filter((i) => i !== next) : c.items,
              notice: {
                tone: 'error',
                key: `collection.error.${r.error.reason}`,
                params: { compartment: next.compartmentId },
              },
            },
      );
    },

    scanOut: async (barcode) => {
      const s = get().screen;
      if (s.name !== 'collection') return;
      const r = await api().invoke('collection:scanOut', { barcode });
      patch('collection', (c) =>
        r.ok
          ? {
              collected: [...c.collected, r.value],
              current:
                c.current?.item.compartmentId === r.value.compartmentId
                  ? { ...c.current, scannedOut: true }
                  : c.current,
              notice: {
                tone: 'ok',
                key: 'collection.scanned',
                params: { barcode, compartment: r.value.compartmentId },
              },
            }
          : {
              notice: {
                tone: 'error',
                key: `collection.error.${r.error.reason}`,
                params: { barcode },
              },
            },
      );
    },

    staffTab: async (tab) => {
      patch('staff', () => ({ tab }));
      await get().refreshStaff();
    },
    staffSelect: (selected) => patch('staff', () => ({ selected, reason: '', notice: null })),
    staffReason: (reason) => patch('staff', () => ({ reason })),

    staffOpenDoor: async () => {
      const s = get().screen;
      if (s.name !== 'staff' || !s.selected || s.busy) return;
      const compartment = s.selected;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('staff:openDoor', {
        compartmentId: compartment,
        reason: s.reason,
      });
      patch('staff', () => ({
        busy: false,
        notice: r.ok
          ? { tone: 'ok', key: 'staff.opened', params: { compartment } }
          : { tone: 'error', key: `staff.error.${r.error.reason}`, params: { compartment } },
        ...(r.ok ? { reason: '' } : {}),
      }));
      await get().refreshStaff();
    },

    staffSetService: async (inService) => {
      const s = get().screen;
      if (s.name !== 'staff' || !s.selected || s.busy) return;
      const compartment = s.selected;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('staff:setService', {
        compartmentId: compartment,
        inService,
        reason: s.reason,
      });
      patch('staff', () => ({
        busy: false,
        notice: r.ok
          ? {
              tone: 'ok',
              key: inService ? 'staff.inServiceDone' : 'staff.outOfServiceDone',
              params: { compartment },
            }
          : { tone: 'error', key: `staff.error.${r.error.reason}`, params: { compartment } },
        ...(r.ok ? { reason: '' } : {}),
      }));
      await get().refreshStaff();
    },

    staffOpenAllExpired: async () => {
      const s = get().screen;
      if (s.name !== 'staff' || s.busy) return;
      set({ screen: { ...s, busy: true } });
      const r = await api().invoke('staff:openAllExpired', {});
      patch('staff', () => ({
        busy: false,
        notice: r.ok
          ? {
              tone: r.value.failed.length > 0 ? 'error' : 'ok',
              key: 'staff.openedExpired',
              params: {
                opened: r.value.opened.join(', ') || '—',
                failed: r.value.failed.join(', ') || '—',
              },
            }
          : { tone: 'error', key: `staff.error.${r.error.reason}`, params: { compartment: '' } },
      }));
      await get().refreshStaff();
    },

    refreshStaff: async () => {
      const s = get().screen;
      if (s.name !== 'staff') return;
      const a = api();
      if (s.tab === 'grid') {
        const r = await a.invoke('staff:compartments', {});
        if (r.ok) patch('staff', () => ({ compartments: r.value }));
        else if (r.error.reason === 'not_logged_in') void get().goHome('sessionExpired');
      } else if (s.tab === 'events') {
        const r = await a.invoke('staff:recentEvents', { limit: 40 });
        if (r.ok) patch('staff', () => ({ events: r.value }));
      } else {
        const r = await a.invoke('staff:diagnostics', {});
        if (r.ok) patch('staff', () => ({ diagnostics: r.value }));
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
          void get().goHome('sessionExpired');
        return set({ session: null });
      }
      if (event === 'door:opened') {
        const { compartmentId } = payload as KioskEvents['door:opened'];
        if (s.name === 'customerDoor' && s.compartmentId === compartmentId && s.phase === 'opening')
          set({ screen: { ...s, phase: 'open' } });
        if (
          s.name === 'courier' &&
          s.deposit?.compartmentId === compartmentId &&
          s.deposit.phase === 'opening'
        )
          set({ screen: { ...s, deposit: { ...s.deposit, phase: 'open' } } });
        if (s.name === 'collection' && s.current?.item.compartmentId === compartmentId)
          set({ screen: { ...s, current: { ...s.current, phase: 'open' } } });
        return;
      }
      if (event === 'operation:finished') {
        const f = payload as KioskEvents['operation:finished'];
        // Ended by the person's own "doesn't fit" / "didn't open": the answer brings the next door.
        if (f.reason !== null && SELF_ENDED.has(f.reason)) return;
        const phase = f.outcome === 'completed' ? 'closed' : 'abandoned';
        if (s.name === 'customerDoor' && s.compartmentId === f.compartmentId)
          set({
            screen: {
              ...s,
              phase,
              reason: f.reason,
              receipt:
                s.receipt && f.outcome === 'completed'
                  ? { ...s.receipt, at: get().now }
                  : s.receipt,
            },
          });
        if (s.name === 'courier' && s.deposit?.compartmentId === f.compartmentId) {
          set({ screen: { ...s, deposit: { ...s.deposit, phase, reason: f.reason } } });
          void refreshDeposits();
        }
        if (s.name === 'collection' && s.current?.item.compartmentId === f.compartmentId)
          set({ screen: { ...s, current: { ...s.current, phase: 'closed' } } });
      }
    },
  };
};
