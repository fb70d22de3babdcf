import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe } from './topicRules';

const P = 'locker/v1';
const locker = { kind: 'locker', lockerId: 'L-1' } as const;
const cloud = { kind: 'cloud' } as const;

describe('what each broker identity may do', () => {
  it('a locker publishes only its own events/state/presence and reads only its commands/acks', () => {
    for (const channel of ['events', 'state', 'presence'])
      expect(mayPublish(P, locker, `${P}/L-1/${channel}`)).toBe(true);
    for (const topic of [`${P}/L-1/acks`, `${P}/L-1/commands`, `${P}/L-2/events`, 'x', `${P}/L-1`])
      expect(mayPublish(P, locker, topic)).toBe(false);
    expect(maySubscribe(P, locker, `${P}/L-1/commands`)).toBe(true);
    expect(maySubscribe(P, locker, `${P}/L-1/acks`)).toBe(true);
    for (const filter of ['#', `${P}/#`, `${P}/+/commands`, `${P}/L-2/commands`, `${P}/L-1/+`])
      expect(maySubscribe(P, locker, filter)).toBe(false);
  });

  it('the cloud sends commands and acks to any locker and reads their events/state/presence', () => {
    expect(mayPublish(P, cloud, `${P}/L-9/commands`)).toBe(true);
    expect(mayPublish(P, cloud, `${P}/L-9/acks`)).toBe(true);
    for (const topic of [
      `${P}/L-9/events`,
      `${P}/L-9/state`,
      `${P}//acks`,
      `${P}/a/b/acks`,
      'x/L/acks',
    ])
      expect(mayPublish(P, cloud, topic)).toBe(false);
    for (const channel of ['events', 'state', 'presence'])
      expect(maySubscribe(P, cloud, `${P}/+/${channel}`)).toBe(true);
    for (const filter of ['#', `${P}/#`, `${P}/+/commands`, `${P}/+/acks`, '$SYS/#'])
      expect(maySubscribe(P, cloud, filter)).toBe(false);
  });
});
