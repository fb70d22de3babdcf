/**
 * What the preload exposes as `window.kiosk`: exactly the contract's KioskApi, carried over
 * Electron IPC. Unknown channels and events are refused here, before anything reaches main.
 */
import { isChannel, isPushEvent } from '../shared/ipc/names';
import type {
  Channel,
  InputOf,
  KioskApi,
  PushEvent,
  PushPayload,
  ResultOf,
} from '../shared/ipc/contract';

/** The two ipcRenderer methods the bridge uses (injected, so it is tested without Electron). */
export interface IpcRendererPort {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function buildKioskBridge(ipc: IpcRendererPort): KioskApi {
  return Object.freeze({
    invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ResultOf<C>> {
      if (!isChannel(channel))
        return Promise.reject(new Error(`unknown channel ${String(channel)}`));
      return ipc.invoke(channel, input) as Promise<ResultOf<C>>;
    },
    on<E extends PushEvent>(event: E, listener: (payload: PushPayload<E>) => void): () => void {
      if (!isPushEvent(event)) throw new Error(`unknown event ${String(event)}`);
      // The IPC event object (with its sender) never reaches the page.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as PushPayload<E>);
      ipc.on(event, wrapped);
      return () => void ipc.removeListener(event, wrapped);
    },
  });
}
