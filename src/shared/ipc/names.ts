/**
 * The IPC channel and push-event names alone, without their schemas: what the sandboxed
 * preload needs to refuse unknown ones, kept small. contract.ts checks at compile time that
 * these lists and the contract table name exactly the same channels and events.
 */

export const CHANNEL_NAMES = [
  'session:badge',
  'session:get',
  'session:touch',
  'session:logout',
  'status:get',
  'locker:layout',
  'pickup:code',
  'pickup:throttle',
  'pickup:doorDidNotOpen',
  'return:code',
  'return:doesntFit',
  'return:doorDidNotOpen',
  'deposit:start',
  'deposit:doesntFit',
  'deposit:doorDidNotOpen',
  'deposit:cancel',
  'deposit:list',
  'collection:list',
  'collection:open',
  'collection:scanOut',
  'staff:compartments',
  'staff:openDoor',
  'staff:setService',
  'staff:openAllExpired',
  'staff:recentEvents',
  'staff:diagnostics',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const PUSH_EVENTS = [
  'door:opened',
  'door:closed',
  'operation:finished',
  'scan:received',
  'status:changed',
  'locker:changed',
  'session:expired',
] as const;
export type PushEventName = (typeof PUSH_EVENTS)[number];

export const isChannel = (name: unknown): name is ChannelName =>
  typeof name === 'string' && (CHANNEL_NAMES as readonly string[]).includes(name);
export const isPushEvent = (name: unknown): name is PushEventName =>
  typeof name === 'string' && (PUSH_EVENTS as readonly string[]).includes(name);
