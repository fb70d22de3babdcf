/**
 * A courier's deposits: scan a parcel, its door opens, close it; "doesn't fit" and "door
 * didn't open" while the door is in play; an unannounced parcel's size; this visit's list.
 */
import type { DepositError } from '../../shared/ipc/types';
import type { DepositSlice, Slice } from './kioskState';
import type { ActiveDeposit } from './screens';
import { sliceTools } from './sliceTools';

/** Refusals that leave the deposit's door in play: the screen keeps it. */
const DOOR_STAYS = new Set(['close_door_first', 'door_not_open', 'door_was_open', 'door_unknown']);

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
      // Refusals that only say what the door's state is are guidance, not faults.
      tone: DOOR_STAYS.has(error.reason) ? ('warning' as const) : ('error' as const),
      key: `deposit.error.${error.reason}`,
      params: {
        barcode: deposit.barcode,
        compartment: error.compartmentId ?? deposit.compartmentId,
      },
    },
  };
};

const compartmentOf = (e: DepositError | { reason: string }) =>
  'compartmentId' in e ? (e.compartmentId ?? '') : '';

export const createDepositSlice: Slice<DepositSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
    enterCourier: () => {
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
      void get().refreshDeposits();
    },

    refreshDeposits: async () => {
      const r = await api().invoke('deposit:list', {});
      if (r.ok) patch('courier', () => ({ deposits: r.value }));
    },

    startDeposit: async (barcode, size) => {
      const s = get().screen;
      if (s.name !== 'courier' || s.busy) return;
      set({ screen: { ...s, busy: true, notice: null, sizeFor: null } });
      const r = await api().invoke('deposit:start', { barcode, ...(size ? { size } : {}) });
      if (r.ok) {
        patch('courier', () => ({
          busy: false,
          deposit: { ...r.value, barcode, phase: 'opening', reason: null, since: get().now },
        }));
        void get().refreshLayout();
        return;
      }
      const e = r.error;
      if (e.reason === 'size_needed')
        return patch('courier', () => ({ busy: false, sizeFor: barcode }));
      if (e.reason === 'not_logged_in') return void get().endSession('sessionExpired');
      patch('courier', () => ({
        busy: false,
        notice: {
          tone: 'error',
          key: `deposit.error.${e.reason}`,
          params: { barcode, compartment: compartmentOf(e) },
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
      // Ok: the same door once more (its one reopen), or another door after a jam.
      const same = r.ok && r.value.compartmentId === deposit.compartmentId;
      patch('courier', () =>
        r.ok
          ? {
              busy: false,
              deposit: {
                ...deposit,
                ...r.value,
                phase: 'opening',
                reason: null,
                since: get().now,
                reopened: same,
                closingFirst: false,
              },
              notice: same
                ? null
                : {
                    tone: 'warning',
                    key: 'deposit.anotherDoor',
                    params: { from: deposit.compartmentId, to: r.value.compartmentId },
                  },
            }
          : depositRefused(deposit, r.error),
      );
      void get().refreshLayout();
    },

    cancelSize: () => patch('courier', () => ({ sizeFor: null })),

    depositDoorEvent: ({ event, payload }) => {
      const s = get().screen;
      if (s.name !== 'courier' || s.deposit?.compartmentId !== payload.compartmentId) return;
      if (event === 'door:opened') {
        if (s.deposit.phase === 'opening')
          set({ screen: { ...s, deposit: { ...s.deposit, phase: 'open' } } });
        return;
      }
      const phase = payload.outcome === 'completed' ? 'closed' : 'abandoned';
      set({ screen: { ...s, deposit: { ...s.deposit, phase, reason: payload.reason } } });
      void get().refreshDeposits();
    },
  };
};
