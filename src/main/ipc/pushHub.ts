/** Fans push events out to whichever shells are listening (Electron window, web shell sockets). */
import type { PushEvent, PushPayload } from '../../shared/ipc/contract';

export type PushListener = <E extends PushEvent>(event: E, payload: PushPayload<E>) => void;

export class PushHub {
  private readonly listeners = new Set<PushListener>();

  emit<E extends PushEvent>(event: E, payload: PushPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
