/**
 * The screens' event feed after it is stopped: a read already scheduled by the last commit
 * does not run against a store that has been closed meanwhile (as on shutdown).
 */
import { describe, expect, it } from 'vitest';
import { startFixture } from '../services/testSupport/kioskFixture';
import { startEventFeed } from './eventFeed';
import { PushHub } from './pushHub';

describe('the event feed', () => {
  it('reads nothing once stopped, though a commit had asked it to', async () => {
    const f = await startFixture();
    const push = new PushHub();
    const pushed: string[] = [];
    push.subscribe((event) => pushed.push(event));
    const stop = startEventFeed({
      core: f.core,
      db: f.db,
      board: f.board,
      scanner: null,
      push,
      status: () => ({
        lockerId: 'x',
        cloud: { online: false, since: null },
        eventsWaiting: 0,
        oldestWaitingAt: null,
        codeLength: 6,
      }),
      onLinkChange: () => () => {},
    });
    f.db.transaction(() => f.core.audit.append('hardware.fault', { reason: 'test' }))();
    // The commit's wake-up has run (a macrotask after the commit): a read is scheduled.
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    f.db.close();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pushed).toEqual([]);
  });
});
