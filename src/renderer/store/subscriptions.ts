/**
 * The one place the renderer listens to main: every push event goes to the store, and a
 * one-second ticker moves the clock, the countdowns and the idle timer. Called once at start.
 */
import { PUSH_EVENTS, type KioskApi } from '../../shared/ipc/contract';
import { useKiosk } from './kioskStore';

const STATUS_EVERY_MS = 15_000;

export function subscribeToKiosk(api: KioskApi): () => void {
  const store = useKiosk;
  store.getState().setApi(api);
  const unsubscribe = PUSH_EVENTS.map((event) =>
    api.on(event, (payload) => store.getState().onPush(event, payload)),
  );
  void store.getState().refreshLayout();
  void store.getState().refreshStatus();
  let lastStatus = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    store.getState().tick(now);
    // A backstop for a missed push (the web shell reconnected, say).
    if (now - lastStatus >= STATUS_EVERY_MS) {
      lastStatus = now;
      void store.getState().refreshStatus();
    }
  }, 1000);
  return () => {
    unsubscribe.forEach((u) => u());
    clearInterval(ticker);
  };
}
