/** MQTT topics between one locker and its cloud (DESIGN §5): `{prefix}/{lockerId}/{channel}`. */

export const DEFAULT_TOPIC_PREFIX = 'locker/v1';

export const CHANNELS = ['events', 'acks', 'commands', 'state', 'presence'] as const;
export type Channel = (typeof CHANNELS)[number];

export type LockerTopics = Record<Channel, string>;

export function lockerTopics(prefix: string, lockerId: string): LockerTopics {
  const base = `${prefix.replace(/\/+$/, '')}/${lockerId}`;
  return {
    events: `${base}/events`,
    acks: `${base}/acks`,
    commands: `${base}/commands`,
    state: `${base}/state`,
    presence: `${base}/presence`,
  };
}

/** Splits a topic back into locker id and channel (the cloud subscribes with wildcards). */
export function parseLockerTopic(
  prefix: string,
  topic: string,
): { lockerId: string; channel: Channel } | null {
  const base = `${prefix.replace(/\/+$/, '')}/`;
  if (!topic.startsWith(base)) return null;
  const [lockerId, channel, ...rest] = topic.slice(base.length).split('/');
  if (!lockerId || rest.length > 0 || !CHANNELS.includes(channel as Channel)) return null;
  return { lockerId, channel: channel as Channel };
}

/** Largest message either side sends or accepts (an events batch is capped here). */
export const MAX_MESSAGE_BYTES = 128 * 1024;
