/**
 * The MQTT cloud connection as the screens see it: online or not, and since when. Listeners
 * also hear when the cloud acks events (at most every ACK_NOTICE_MS during a backlog flush),
 * so "events waiting" drains on screen as it drains on the wire.
 */
import type { CloudConnection } from '../cloud/cloudConnection';
import type { LinkStatus } from './linkStatus';

const ACK_NOTICE_MS = 250;

export function linkStatusOf(cloud: CloudConnection, now: () => number = Date.now): LinkStatus {
  let online = cloud.status().connection === 'online';
  let since: number | null = online ? now() : null;
  let ackedSeq = cloud.status().ackedSeq;
  let ackNotice: NodeJS.Timeout | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  cloud.onStatus((status) => {
    const isOnline = status.connection === 'online';
    if (isOnline !== online) {
      online = isOnline;
      since = now();
      notify();
    }
    if (status.ackedSeq !== ackedSeq) {
      ackedSeq = status.ackedSeq;
      ackNotice ??= setTimeout(() => {
        ackNotice = undefined;
        notify();
      }, ACK_NOTICE_MS);
    }
  });
  return {
    current: () => ({ online, since }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
