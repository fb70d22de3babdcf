/**
 * The renderer's one store, built from slices (kioskState.ts declares them): the base (what
 * main reports, preferences, clocks), the session, and one slice per journey. Main and SQLite
 * are the truth: nothing here is persisted, everything is re-read from main.
 */
import { create } from 'zustand';
import { createBaseSlice } from './baseSlice';
import { createCollectionSlice } from './collectionSlice';
import { createDepositSlice } from './depositSlice';
import type { KioskState } from './kioskState';
import { createPickupSlice } from './pickupSlice';
import { createReturnSlice } from './returnSlice';
import { createSessionSlice } from './sessionSlice';
import { createStaffSlice } from './staffSlice';

export type { KioskState, Language } from './kioskState';
export { IDLE_MS, IDLE_WARNING_MS, idlePhase } from './idle';

export const useKiosk = create<KioskState>()((...a) => ({
  ...createBaseSlice(...a),
  ...createSessionSlice(...a),
  ...createPickupSlice(...a),
  ...createReturnSlice(...a),
  ...createDepositSlice(...a),
  ...createCollectionSlice(...a),
  ...createStaffSlice(...a),
}));

const initial = useKiosk.getState();

/** Back to a fresh store (tests, between customers nothing else is kept). */
export function resetKioskStore(): void {
  useKiosk.setState(initial, true);
}
