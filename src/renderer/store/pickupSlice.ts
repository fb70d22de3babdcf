/**
 * A customer's code entry (pickup and return share the keypad) and the door it opens: typing,
 * submitting a code or a scanned QR, the throttle's countdown, and the door's progress.
 */
import { CODE_LENGTH } from '../../shared/domain';
import { readQr } from '../../shared/qrToken';
import type { PickupSlice, Slice } from './kioskState';
import type { PickupOpened, ReturnOpened } from '../../shared/ipc/types';
import type { CustomerDoor, CustomerNotice } from './screens';
import { sliceTools } from './sliceTools';

/** Wrong, used and malformed codes share one neutral sentence on purpose. */
export const customerNotice = (reason: string): CustomerNotice =>
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
            : reason === 'storage_full'
              ? 'storageFull'
              : 'unavailable';

/** The door screen for what a code opened. */
function customerDoor(
  purpose: 'pickup' | 'return',
  opened: PickupOpened | ReturnOpened,
  again: CustomerDoor['again'],
  now: number,
): CustomerDoor {
  const proof = 'returnId' in opened ? opened.returnId : opened.parcelId;
  return {
    name: 'customerDoor',
    purpose,
    operationId: opened.operationId,
    compartmentId: opened.compartmentId,
    proof,
    phase: 'opening',
    since: now,
    receipt:
      'reference' in opened
        ? { returnId: opened.returnId, reference: opened.reference, at: 0 }
        : null,
    reason: null,
    reopened: false,
    closingFirst: false,
    again,
    help: false,
    busy: false,
    notice: null,
  };
}

export const createPickupSlice: Slice<PickupSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
    // A digit after a refused code starts a new one; ⌫ corrects the refused one.
    typeDigit: (digit) => {
      const s = get().screen;
      if ((s.name !== 'pickup' && s.name !== 'return') || !/^\d$/.test(digit)) return;
      const code = s.rejected ? '' : s.code;
      if (code.length < CODE_LENGTH.max)
        set({ screen: { ...s, code: code + digit, notice: null, rejected: false } });
    },
    backspace: () => {
      const s = get().screen;
      if (s.name === 'pickup' || s.name === 'return')
        set({ screen: { ...s, code: s.code.slice(0, -1), rejected: false } });
    },
    clearCode: () => {
      const s = get().screen;
      if (s.name === 'pickup' || s.name === 'return')
        set({ screen: { ...s, code: '', notice: null, rejected: false } });
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
        set({ screen: customerDoor(s.name, r.value, { code, method }, get().now) });
        void get().refreshLayout();
        return;
      }
      const error = r.error;
      if (error.reason === 'throttled') {
        set({ throttleUntil: get().now + error.retryAfterMs });
        patch(s.name, () => ({ busy: false, code: '', rejected: false }));
        return;
      }
      // The failure that engages the throttle is still "invalid": ask, so the countdown shows
      // now, and how many wrong codes are left before it would.
      let attemptsLeft: number | null = null;
      if (error.reason === 'code_invalid' && method === 'code') {
        const throttle = await api().invoke('pickup:throttle', {});
        if (throttle.ok && throttle.value.retryAfterMs > 0)
          set({ throttleUntil: get().now + throttle.value.retryAfterMs });
        if (throttle.ok) attemptsLeft = throttle.value.attemptsLeft;
      }
      const notice =
        s.name === 'return' &&
        (error.reason === 'no_free_compartment' || error.reason === 'no_compartment_fits')
          ? 'noSpace'
          : customerNotice(error.reason);
      // A typed code stays on screen next to the message, to be compared or corrected.
      patch(s.name, () => ({
        busy: false,
        code: scanned === undefined ? code : '',
        rejected: scanned === undefined,
        notice,
        attemptsLeft,
      }));
    },

    customerDoorDidNotOpen: async () => {
      const s = get().screen;
      if (s.name !== 'customerDoor' || s.phase !== 'opening' || s.busy) return;
      set({ screen: { ...s, busy: true, notice: null } });
      const input = { operationId: s.operationId };
      const r =
        s.purpose === 'pickup'
          ? await api().invoke('pickup:doorDidNotOpen', { ...input, parcelId: s.proof })
          : await api().invoke('return:doorDidNotOpen', { ...input, returnId: s.proof });
      const now = get().now;
      if (r.ok) {
        const same = r.value.compartmentId === s.compartmentId;
        patch('customerDoor', () => ({
          busy: false,
          operationId: r.value.operationId,
          compartmentId: r.value.compartmentId,
          phase: 'opening',
          since: now,
          reopened: same,
          notice: same
            ? null
            : {
                tone: 'warning',
                key: 'door.moved',
                params: { from: s.compartmentId, to: r.value.compartmentId },
              },
        }));
        void get().refreshLayout();
        return;
      }
      const reason = r.error.reason;
      patch('customerDoor', (c) =>
        reason === 'door_was_open'
          ? {
              busy: false,
              phase: 'open',
              notice: { tone: 'info', key: 'door.wasOpen', params: { id: c.compartmentId } },
            }
          : reason === 'door_failed' || reason === 'door_unknown' || reason === 'doors_unavailable'
            ? {
                busy: false,
                phase: 'abandoned',
                reason: reason === 'doors_unavailable' ? 'not_sent' : reason,
              }
            : { busy: false, notice: { tone: 'error', key: 'notice.unavailable' } },
      );
      void get().refreshLayout();
    },

    openAgain: async () => {
      const s = get().screen;
      if (s.name !== 'customerDoor' || !s.again || s.busy) return;
      const { code, method } = s.again;
      set({ screen: { ...s, busy: true, again: null, notice: null } });
      const channel = s.purpose === 'pickup' ? 'pickup:code' : 'return:code';
      const r = await api().invoke(channel, { code, method });
      if (r.ok) {
        // Once only: the door screen that follows keeps no code.
        set({ screen: { ...customerDoor(s.purpose, r.value, null, get().now) } });
        void get().refreshLayout();
        return;
      }
      const notice = customerNotice(r.error.reason);
      patch('customerDoor', () => ({
        busy: false,
        notice: { tone: 'error', key: `notice.${notice}` },
      }));
    },

    toggleHelp: () => patch('customerDoor', (c) => ({ help: !c.help })),

    customerDoorEvent: ({ event, payload }) => {
      const s = get().screen;
      if (s.name !== 'customerDoor' || s.compartmentId !== payload.compartmentId) return;
      if (event === 'door:opened') {
        if (s.phase === 'opening') set({ screen: { ...s, phase: 'open' } });
        return;
      }
      const completed = payload.outcome === 'completed';
      set({
        screen: {
          ...s,
          phase: completed ? 'closed' : 'abandoned',
          reason: payload.reason,
          receipt: s.receipt && completed ? { ...s.receipt, at: get().now } : s.receipt,
        },
      });
    },
  };
};
