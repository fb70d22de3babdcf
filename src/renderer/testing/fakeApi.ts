/** A KioskApi for renderer tests: canned answers per channel, recorded calls, pushes on demand. */
import type {
  Channel,
  KioskApi,
  PushEvent,
  PushPayload,
  ResultOf,
} from '../../shared/ipc/contract';

export type Answers = { [C in Channel]?: (input: unknown) => ResultOf<C> };

export function fakeApi(answers: Answers = {}) {
  const calls: { channel: Channel; input: unknown }[] = [];
  const listeners = new Map<PushEvent, Set<(p: unknown) => void>>();
  const api: KioskApi = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      const answer = answers[channel] as ((i: unknown) => unknown) | undefined;
      return (answer ? answer(input) : { ok: false, error: { reason: 'internal_error' } }) as never;
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => void set.delete(listener as (p: unknown) => void);
    },
  };
  const push = <E extends PushEvent>(event: E, payload: PushPayload<E>) =>
    listeners.get(event)?.forEach((l) => l(payload));
  return { api, calls, push };
}
