/**
 * The cloud link as the screens see it: online or not. The MQTT link implements this; until it
 * is wired in, `notConnected` reports offline (the outbox backlog is read from the store).
 */
import type { LinkState } from '../../shared/ipc/types';

export interface LinkStatus {
  current(): LinkState;
  /** Called on every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export const notConnected: LinkStatus = {
  current: () => ({ online: false, since: null }),
  onChange: () => () => {},
};
