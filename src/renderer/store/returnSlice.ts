/**
 * A customer's return at its door: "it doesn't fit" while the door is open asks for it to be
 * emptied and closed first; said again on the closed door, a larger compartment opens.
 */
import type { ReturnSlice, Slice } from './kioskState';
import type { Notice } from './screens';
import { sliceTools } from './sliceTools';

export const createReturnSlice: Slice<ReturnSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
    returnDoesntFit: async () => {
      const s = get().screen;
      if (s.name !== 'customerDoor' || s.purpose !== 'return' || s.busy) return;
      set({ screen: { ...s, busy: true, notice: null } });
      const r = await api().invoke('return:doesntFit', {
        operationId: s.operationId,
        returnId: s.proof,
      });
      if (r.ok) {
        patch('customerDoor', () => ({
          operationId: r.value.operationId,
          compartmentId: r.value.compartmentId,
          phase: 'opening',
          since: get().now,
          reopened: false,
          closingFirst: false,
          busy: false,
          notice: {
            tone: 'info',
            key: 'door.larger',
            params: { from: s.compartmentId, to: r.value.compartmentId },
          },
        }));
        void get().refreshLayout();
        return;
      }
      const reason = r.error.reason;
      // The door stays this customer's until it is shut again, empty: the screen says so.
      if (reason === 'close_door_first')
        return patch('customerDoor', () => ({ busy: false, closingFirst: true }));
      const notice: Notice =
        reason === 'door_not_open'
          ? { tone: 'info', key: 'door.notSeenOpen', params: { id: s.compartmentId } }
          : reason === 'no_larger_compartment'
            ? { tone: 'error', key: 'notice.noLargerCompartment' }
            : { tone: 'error', key: 'notice.unavailable' };
      patch('customerDoor', () => ({ busy: false, notice }));
    },
  };
};
