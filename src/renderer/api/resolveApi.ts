/**
 * Which KioskApi the screens talk to: the Electron preload's `window.kiosk` when present,
 * otherwise the web shell's WebSocket (its token comes from the page URL).
 */
import type { KioskApi } from '../../shared/ipc/contract';
import { WS_PATH } from '../../shared/ipc/wire';
import { createWsKioskApi } from './wsClient';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the web shell. */
    kiosk?: KioskApi;
  }
}

export function resolveKioskApi(win: Window = window): KioskApi {
  if (win.kiosk) return win.kiosk;
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  return createWsKioskApi(`ws://${win.location.host}${WS_PATH}?token=${encodeURIComponent(token)}`);
}
