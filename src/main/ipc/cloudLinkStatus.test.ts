import { describe, expect, it } from 'vitest';
import type { CloudConnection } from '../cloud/cloudConnection';
import type { CloudLinkStatus, StatusListener } from '../cloud/linkStatus';
import { linkStatusOf } from './cloudLinkStatus';

function fakeConnection(connection: CloudLinkStatus['connection']) {
  let listener: StatusListener = () => {};
  const status = (c: CloudLinkStatus['connection']): CloudLinkStatus => ({
    connection: c,
    lastError: null,
    backlog: 0,
    ackedSeq: 0,
    clockSkewMs: null,
    clockSkewed: false,
    nextAttemptAt: null,
  });
  const cloud: CloudConnection = {
    status: () => status(connection),
    onStatus: (l) => ((listener = l), () => {}),
    close: async () => {},
  };
  return { cloud, emit: (c: CloudLinkStatus['connection']) => listener(status(c)) };
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
});
