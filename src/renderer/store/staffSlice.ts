/**
 * Staff service: the compartment grid, one door opened or a compartment taken out of service
 * with a reason, every expired door opened; recent events and diagnostics on their tabs.
 */
import type { Slice, StaffSlice } from './kioskState';
import { sliceTools } from './sliceTools';
import { isPreset } from './staffReasons';

export const createStaffSlice: Slice<StaffSlice> = (set, get) => {
  const { api, patch } = sliceTools(set, get);

  return {
    enterStaff: () => {
      set({
        screen: {
          name: 'staff',
          tab: 'grid',
          compartments: [],
          selected: null,
          reason: '',
          keyboard: null,
          events: [],
          diagnostics: null,
          notice: null,
          busy: false,
        },
      });
      void get().refreshStaff();
    },

    staffTab: async (tab) => {
      patch('staff', () => ({ tab }));
      await get().refreshStaff();
    },
    // Another compartment, another reason; the same one keeps its reason across actions.
    staffSelect: (selected) =>
      patch('staff', (s) => ({
        selected,
        notice: null,
        ...(selected !== s.selected ? { reason: '' } : {}),
      })),
    staffReason: (reason) => patch('staff', () => ({ reason })),
    staffOtherReason: () =>
      patch('staff', (s) => ({ keyboard: isPreset(s.reason) ? '' : s.reason })),
    staffKeyboardText: (text) => patch('staff', () => ({ keyboard: text })),
    staffKeyboardDone: (use) =>
      patch('staff', (s) => ({
        keyboard: null,
        ...(use && s.keyboard !== null ? { reason: s.keyboard.trim() } : {}),
      })),

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
        else if (r.error.reason === 'not_logged_in') void get().endSession('sessionExpired');
      } else if (s.tab === 'events') {
        const r = await a.invoke('staff:recentEvents', { limit: 40 });
        if (r.ok) patch('staff', () => ({ events: r.value }));
      } else {
        const r = await a.invoke('staff:diagnostics', {});
        if (r.ok) patch('staff', () => ({ diagnostics: r.value }));
      }
    },
  };
};
