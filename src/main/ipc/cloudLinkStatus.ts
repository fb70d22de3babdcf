/** The MQTT cloud connection as the screens see it: online or not, and since when. */
import type { CloudConnection } from '../cloud/cloudConnection';
import type { LinkStatus } from './linkStatus';

export function linkStatusOf(cloud: CloudConnection, now: () => number = Date.now): LinkStatus {
  let online = cloud.status().connection === 'online';
  let since: number | null = online ? now() : null;
  const listeners = new Set<() => void>();
  cloud.onStatus((status) => {
    const isOnline = status.connection === 'online';
    if (isOnline === online) return;
    online = isOnline;
    since = now();
    for (const l of listeners) l();
  });
  return {
    current: () => ({ online, since }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
