/**
 * What every journey slice needs: the shell's API (an error when not connected, a bug), and a
 * screen update that applies only while the screen is still the one the action started on.
 */
import type { KioskApi } from '../../shared/ipc/contract';
import type { KioskState } from './kioskState';
import type { Screen } from './screens';

type Set = (partial: Partial<KioskState>) => void;
type Get = () => KioskState;

export type ScreenOf<N extends Screen['name']> = Extract<Screen, { name: N }>;

export function sliceTools(set: Set, get: Get) {
  const api = (): KioskApi => {
    const a = get().api;
    if (!a) throw new Error('the kiosk API is not connected');
    return a;
  };
  /** Update the screen only if it is still the one the action started on. */
  const patch = <N extends Screen['name']>(
    name: N,
    change: (s: ScreenOf<N>) => Partial<ScreenOf<N>>,
  ): void => {
    const s = get().screen;
    if (s.name === name) {
      const current = s as ScreenOf<N>;
      set({ screen: { ...current, ...change(current) } });
    }
  };
  return { api, patch };
}
