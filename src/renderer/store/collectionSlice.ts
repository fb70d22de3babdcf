/**
 * Collection by a courier or staff: each door opened in turn or chosen from the list, each item
 * scanned out or marked taken from the list (a return by its short reference).
 */
import type { CollectionSlice, Slice } from './kioskState';
import { sliceTools } from './sliceTools';

export const createCollectionSlice: Slice<CollectionSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
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
      if (s.name !== 'collection') return;
      const next = s.items.find(
        (i) => !s.collected.some((c) => c.compartmentId === i.compartmentId),
      );
      if (next) await get().collectOne(next.compartmentId);
    },

    collectOne: async (compartmentId) => {
      const s = get().screen;
      if (s.name !== 'collection' || s.busy) return;
      const next = s.items.find((i) => i.compartmentId === compartmentId);
      if (!next) return;
      set({ screen: { ...s, busy: true, notice: null } });
      const r = await api().invoke('collection:open', { compartmentId });
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
                params: { compartment: compartmentId },
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
                params: { barcode: r.value.reference, compartment: r.value.compartmentId },
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

    collectionDoorEvent: ({ event, payload }) => {
      const s = get().screen;
      if (s.name !== 'collection' || s.current?.item.compartmentId !== payload.compartmentId)
        return;
      set({
        screen: {
          ...s,
          current: { ...s.current, phase: event === 'door:opened' ? 'open' : 'closed' },
        },
      });
    },
  };
};
