/** A customer's return at its door: "it doesn't fit" moves it to a larger compartment. */
import type { ReturnSlice, Slice } from './kioskState';
import { sliceTools } from './sliceTools';

export const createReturnSlice: Slice<ReturnSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
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
  };
};
