/**
 * What each broker identity may do, in one place for every broker: a locker publishes only its
 * own events/state/presence and reads only its own commands/acks; the cloud publishes commands
 * and acks to any locker and reads every locker's events/state/presence. Nothing else, and no
 * one subscribes to `#`.
 */
import { lockerTopics, parseLockerTopic } from '../../src/shared/protocol/topics';

export type BrokerIdentity = { kind: 'cloud' } | { kind: 'locker'; lockerId: string };

export interface TopicGrants {
  /** Topics (cloud: topic filters with `+` for the locker id) this identity may publish on. */
  publish: string[];
  /** Exact topic filters this identity may subscribe to. */
  subscribe: string[];
}

const base = (prefix: string) => prefix.replace(/\/+$/, '');

export function lockerGrants(prefix: string, lockerId: string): TopicGrants {
  const t = lockerTopics(prefix, lockerId);
  return { publish: [t.events, t.state, t.presence], subscribe: [t.commands, t.acks] };
}

export function cloudGrants(prefix: string): TopicGrants {
  const b = base(prefix);
  return {
    publish: [`${b}/+/commands`, `${b}/+/acks`],
    subscribe: [`${b}/+/events`, `${b}/+/state`, `${b}/+/presence`],
  };
}

/** May `who` publish (or leave as its will) a message on `topic`? */
export function mayPublish(prefix: string, who: BrokerIdentity, topic: string): boolean {
  if (who.kind === 'locker') return lockerGrants(prefix, who.lockerId).publish.includes(topic);
  const where = parseLockerTopic(prefix, topic);
  return where !== null && (where.channel === 'commands' || where.channel === 'acks');
}

/** May `who` subscribe with exactly this topic filter? */
export function maySubscribe(prefix: string, who: BrokerIdentity, filter: string): boolean {
  const grants = who.kind === 'locker' ? lockerGrants(prefix, who.lockerId) : cloudGrants(prefix);
  return grants.subscribe.includes(filter);
}
