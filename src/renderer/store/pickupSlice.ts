/**
 * A customer's code entry (pickup and return share the keypad) and the door it opens: typing,
 * submitting a code or a scanned QR, the throttle's countdown, and the door's progress.
 */
import { CODE_LENGTH } from '../../shared/domain';
import { readQr } from '../../shared/qrToken';
import type { PickupSlice, Slice } from './kioskState';
import type { CustomerNotice } from './screens';
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
            : 'unavailable';

export const createPickupSlice: Slice<PickupSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
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
