import { describe, expect, it, vi } from 'vitest';
import type { CloudConnection } from '../cloud/cloudConnection';
import type { CloudLinkStatus, StatusListener } from '../cloud/linkStatus';
import { linkStatusOf } from './cloudLinkStatus';

function fakeConnection(connection: CloudLinkStatus['connection']) {
  let listener: StatusListener = () => {};
  const status = (c: CloudLinkStatus['connection'], acked = 0): CloudLinkStatus => ({
    connection: c,
    lastError: null,
    backlog: 0,
    ackedSeq: acked,
    clockSkewMs: null,
    clockSkewed: false,
    nextAttemptAt: null,
  });
  const cloud: CloudConnection = {
    status: () => status(connection),
    onStatus: (l) => ((listener = l), () => {}),
    close: async () => {},
  };
  return {
    cloud,
    emit: (c: CloudLinkStatus['connection'], acked = 0) => listener(status(c, acked)),
  };
}

describe('cloud link status for the screens', () => {
  it('reports online changes with their time and ignores connecting/offline flapping', () => {
    let t = 1000;
    const { cloud, emit } = fakeConnection('connecting');
    const link = linkStatusOf(cloud, () => t);
    let changes = 0;
    link.onChange(() => changes++);
    expect(link.current()).toEqual({ online: false, since: null });
    t = 2000;
    emit('online');
    expect(link.current()).toEqual({ online: true, since: 2000 });
    emit('online');
    t = 3000;
    emit('offline');
    emit('connecting');
    expect(link.current()).toEqual({ online: false, since: 3000 });
    expect(changes).toBe(2);
  });

  it('tells listeners when acks drain the backlog, at most once per quarter second', () => {
    vi.useFakeTimers();
    try {
      const { cloud, emit } = fakeConnection('online');
      const link = linkStatusOf(cloud);
      let changes = 0;
      link.onChange(() => changes++);
      for (let seq = 1; seq <= 50; seq++) emit('online', seq);
      expect(changes).toBe(0);
      vi.advanceTimersByTime(250);
      expect(changes).toBe(1);
      emit('online', 50);
      vi.advanceTimersByTime(1000);
      expect(changes).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
