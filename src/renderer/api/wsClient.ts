/**
 * The KioskApi over the web shell's WebSocket: requests by id, responses matched to them, push
 * events to subscribers. Reconnects after a drop; calls made while disconnected wait, calls
 * cut off by a drop answer `unavailable`.
 */
import {
  isPushEvent,
  type Channel,
  type InputOf,
  type KioskApi,
  type PushEvent,
  type PushPayload,
  type ResultOf,
} from '../../shared/ipc/contract';
import { serverFrameSchema, type RequestFrame } from '../../shared/ipc/wire';

type Listener = (payload: unknown) => void;

export interface WsKioskApi extends KioskApi {
  close(): void;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8_000;

export function createWsKioskApi(
  url: string,
  makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
): WsKioskApi {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = RETRY_MIN_MS;
  let closed = false;
  const pending = new Map<number, (result: unknown) => void>();
  const queued: RequestFrame[] = [];
  const listeners = new Map<PushEvent, Set<Listener>>();

  const connect = () => {
    const ws = makeSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      retryMs = RETRY_MIN_MS;
      for (const frame of queued.splice(0)) ws.send(JSON.stringify(frame));
    });
    ws.addEventListener('message', (event) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const frame = serverFrameSchema.safeParse(raw);
      if (!frame.success) return;
      const f = frame.data;
      if (f.type === 'response') {
        pending.get(f.id)?.(f.result);
        pending.delete(f.id);
      } else if (isPushEvent(f.event)) {
        listeners.get(f.event)?.forEach((l) => l(f.payload));
      }
    });
    ws.addEventListener('close', () => {
      socket = null;
      for (const resolve of pending.values())
        resolve({ ok: false, error: { reason: 'unavailable' } });
      pending.clear();
      if (closed) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  };
  connect();

  return {
    invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<ResultOf<C>> {
      const frame: RequestFrame = { type: 'request', id: nextId++, channel, input };
      return new Promise((resolve) => {
        pending.set(frame.id, resolve as (r: unknown) => void);
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
        else queued.push(frame);
      });
    },
    on<E extends PushEvent>(event: E, listener: (payload: PushPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
