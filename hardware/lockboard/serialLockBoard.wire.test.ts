/**
 * SerialLockBoard against literal wire bytes (a scripted adapter): which frames acknowledge an
 * unlock, which are a jam, and which are no usable answer; what is written and how often.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SerialLockBoardOptions } from './serialLockBoard';
import { SerialLockBoard, serialLockBoardOptionsSchema } from './serialLockBoard';
import { ScriptedWire } from './testSupport/scriptedWire';
import type { LockBoardEvent } from './types';

const TIMEOUT_MS = 60;

let driver: SerialLockBoard | undefined;
let events: LockBoardEvent[] = [];

async function drive(
  wire: ScriptedWire,
  options: Partial<SerialLockBoardOptions> & Pick<SerialLockBoardOptions, 'protocol' | 'boards'>,
): Promise<SerialLockBoard> {
  driver = new SerialLockBoard({
    path: '/dev/scripted',
    pollIntervalMs: 0,
    replyTimeoutMs: TIMEOUT_MS,
    retries: 2,
    reopenBackoff: { initialMs: 10, maxMs: 20 },
    openTransport: wire.open,
    ...options,
  });
  driver.onEvent((event) => events.push(event));
  expect(await driver.start()).toBe(true);
  return driver;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 5_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await driver?.close();
  driver = undefined;
  events = [];
});

const kerong = { protocol: 'kerong-cu16' as const, boards: [0] };
const lcb24 = { protocol: 'lcb24' as const, boards: [1] };

describe('an unlock is pulsed once', () => {
  it('writes a Kerong unlock once when the board stays silent, and a query three times', async () => {
    const wire = new ScriptedWire();
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'timeout' });
    expect(wire.written).toEqual(['02 04 31 03 3A']);
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    expect(wire.written.slice(1)).toEqual(['02 00 30 03 35', '02 00 30 03 35', '02 00 30 03 35']);
  });

  it('writes an LCB24 unlock once when the answer is corrupt', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => ['8A 01 01 00 8B']; // BCC off by one
    const board = await drive(wire, lcb24);
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
    expect(wire.written).toEqual(['8A 01 01 11 9B']);
  });
});

describe('disconnected only when nothing was written', () => {
  it('answers interrupted when the link goes away after the unlock was written', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => {
      setImmediate(() => wire.lose('serial port closed'));
      return [];
    };
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'interrupted' });
    expect(wire.written).toEqual(['02 04 31 03 3A']);
  });

  it('answers interrupted when a query retry finds the link gone after an earlier write', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => {
      setTimeout(() => wire.lose('serial port closed'), TIMEOUT_MS + 5);
      return [];
    };
    const board = await drive(wire, {
      ...kerong,
      lateReplyGuardMs: 30,
      reopenBackoff: { initialMs: 1_000, maxMs: 1_000 },
    });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'interrupted' });
    expect(wire.written).toEqual(['02 00 30 03 35']);
  });

  it('answers disconnected, writing nothing, when the bus is already down', async () => {
    const wire = new ScriptedWire();
    const board = await drive(wire, kerong);
    wire.lose('serial port closed');
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'disconnected' });
    expect(wire.written).toEqual([]);
  });

  it('answers disconnected, writing nothing, when flushing stale input fails', async () => {
    const wire = new ScriptedWire();
    wire.discardInput = () => Promise.reject(new Error('EIO'));
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'disconnected' });
    expect(wire.written).toEqual([]);
    expect(events[0]).toEqual({ type: 'fault', reason: 'flushing stale input failed: EIO' });
  });
});

/** Blocks the event loop, as a long transaction or a GC pause does. */
const stall = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('a stalled event loop is no timeout', () => {
  it('takes an unlock acknowledgement that came in while the loop was stalled past the reply timeout', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => {
      queueMicrotask(() => stall(TIMEOUT_MS * 3)); // the answer arrives meanwhile
      return ['02 04 35 FF FF 00 00 03 3C'];
    };
    const board = await drive(wire, kerong);
    // Asked from the loop's check phase, as I/O callbacks run late in a turn: the next turn
    // starts with the overdue timer, and the answer is only read after it.
    const unlocked = await new Promise((resolve) =>
      setImmediate(() => resolve(board.unlock({ board: 0, lock: 5 }))),
    );
    expect(unlocked).toEqual({ ok: true, value: undefined });
    expect(wire.written).toEqual(['02 04 31 03 3A']);
  });

  it('keeps the port when a flush finished while the loop was stalled past the flush timeout', async () => {
    const wire = new ScriptedWire();
    wire.discardInput = () => {
      queueMicrotask(() => stall(120));
      return new Promise((resolve) => setImmediate(resolve)); // done during the stall
    };
    wire.answer = () => ['02 04 35 FF FF 00 00 03 3C'];
    const board = await drive(wire, { ...kerong, flushTimeoutMs: 40 });
    const unlocked = await new Promise((resolve) =>
      setImmediate(() => resolve(board.unlock({ board: 0, lock: 5 }))),
    );
    expect(unlocked).toEqual({ ok: true, value: undefined });
    expect(events).toEqual([]);
  });
});

describe('flushing stale input has a timeout', () => {
  it('gives up on a hung flush: disconnected, nothing written, port reopened', async () => {
    const wire = new ScriptedWire();
    wire.discardInput = () => new Promise(() => undefined); // tcflush that never returns
    wire.answer = () => ['02 04 35 FF FF 00 00 03 3C'];
    const board = await drive(wire, { ...kerong, flushTimeoutMs: 40 });
    const started = Date.now();
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'disconnected' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(wire.written).toEqual([]);
    expect(wire.closes).toBe(1);
    expect(events[0]).toEqual({
      type: 'fault',
      reason: 'flushing stale input did not finish within 40 ms',
    });

    wire.discardInput = () => Promise.resolve();
    await until(() => events.some((e) => e.type === 'recovered'), 'the port to be reopened');
    expect(wire.opens).toBe(2);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: true, value: undefined });
    expect(wire.written).toEqual(['02 04 31 03 3A']);
  });
});

describe('which Kerong reply acknowledges an unlock', () => {
  it('takes a state reply whose ADDR is the unlock address (board 0 lock 5: 04)', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => ['02 04 35 FF FF 00 00 03 3C'];
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: true, value: undefined });
  });

  it('does not take a query-form reply (ADDR 00) for an unlock of lock 5', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => ['02 00 35 FF FF 00 00 03 38'];
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('does not take a reply for the same lock on another board (ADDR 14)', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => ['02 14 35 FF FF 00 00 03 4C'];
    const board = await drive(wire, kerong);
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'bad_reply' });
  });
});

describe('a late Kerong query reply', () => {
  const lateQueryReply = '02 00 35 FE FF 00 00 03 37';
  /** The board answers the query 30 ms after the timeout, and never answers the unlock. */
  function lateBoard(): ScriptedWire {
    const wire = new ScriptedWire();
    wire.answer = (request) => {
      if (request === '02 00 30 03 35')
        setTimeout(() => wire.send(lateQueryReply), TIMEOUT_MS + 30);
      return [];
    };
    return wire;
  }

  it('does not acknowledge the next unlock of lock 1, whose ADDR it shares', async () => {
    const wire = lateBoard();
    const board = await drive(wire, { ...kerong, retries: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: false, error: 'timeout' });
    expect(wire.written).toEqual(['02 00 30 03 35', '02 00 31 03 36']);
  });

  it('with the guard off, still does not take it: the query is owed its answer', async () => {
    const wire = lateBoard();
    const board = await drive(wire, { ...kerong, retries: 0, lateReplyGuardMs: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('would acknowledge it with the guard and the owed answers both off (why they exist)', async () => {
    const wire = lateBoard();
    const off = { retries: 0, lateReplyGuardMs: 0, lateReplyHorizonMs: 0 };
    const board = await drive(wire, { ...kerong, ...off });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: true, value: undefined });
  });

  it('does not acknowledge an unlock of lock 5 even with the guard off', async () => {
    const wire = lateBoard();
    const board = await drive(wire, { ...kerong, retries: 0, lateReplyGuardMs: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    expect(await board.unlock({ board: 0, lock: 5 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('keeps quiet before a query retry too: the retry reads its own answer', async () => {
    const wire = new ScriptedWire();
    let attempts = 0;
    wire.answer = () => {
      attempts += 1;
      // The first answer (lock 1 open) comes 20 ms after the timeout; the retry's (every lock
      // shut) 40 ms after its request, so without the guard the late one would come first.
      if (attempts === 1) setTimeout(() => wire.send(lateQueryReply), TIMEOUT_MS + 20);
      else setTimeout(() => wire.send('02 00 35 FF FF 00 00 03 38'), 40);
      return [];
    };
    const board = await drive(wire, { ...kerong, retries: 1 });
    const result = await board.queryBoard(0);
    expect(result.ok && result.value.locks.every((l) => l.locked)).toBe(true);
    expect(wire.written).toEqual(['02 00 30 03 35', '02 00 30 03 35']);
  });

  it('does not acknowledge lock 1 with a query reply later than the guard covers', async () => {
    const wire = new ScriptedWire();
    wire.answer = (request) => {
      // 250 ms late: after the 60 ms timeout and the 60 ms guard.
      if (request === '02 00 30 03 35') setTimeout(() => wire.send(lateQueryReply), 250);
      return [];
    };
    const board = await drive(wire, { ...kerong, retries: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    await sleep(150); // the kiosk does other things; the unlock's window now spans 250 ms
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('once the late reply has come in, acknowledges lock 1 with its own answer', async () => {
    const wire = lateBoard();
    const board = await drive(wire, { ...kerong, retries: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    await sleep(60); // the late reply (at 90 ms) pays off what was owed
    wire.answer = () => ['02 00 35 FF FF 00 00 03 38'];
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: true, value: undefined });
  });

  it('after a query reply that never comes, refuses lock 1 acks within the horizon only', async () => {
    const wire = new ScriptedWire();
    const board = await drive(wire, { ...kerong, retries: 0, lateReplyHorizonMs: 300 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    wire.answer = () => ['02 00 35 FF FF 00 00 03 38'];
    // It may be the query's reply: no usable answer (safe: the kiosk re-reads the board).
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
    // Nor is the next query's frame trusted: it may be the unlock's own late answer. Within
    // the first debt's horizon the board stays unreadable, not longer.
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'bad_reply' });
    await sleep(300);
    expect((await board.queryBoard(0)).ok).toBe(true);
    expect(await board.unlock({ board: 0, lock: 1 })).toEqual({ ok: true, value: undefined });
  });

  it("does not take a late reply to an earlier query as a later query's reading (it may predate a pulse)", async () => {
    const wire = new ScriptedWire();
    const shut = '02 00 35 FF FF 00 00 03 38';
    let queries = 0;
    wire.answer = () => {
      queries += 1;
      // The first query's answer (every door shut) comes 160 ms late, past the guard, while the
      // second query waits; the second's own answer (lock 1 open) comes 40 ms after it.
      if (queries === 1) setTimeout(() => wire.send(shut), 160);
      else setTimeout(() => wire.send(lateQueryReply), 40);
      return [];
    };
    const board = await drive(wire, { ...kerong, retries: 0 });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    await sleep(90);
    const second = await board.queryBoard(0);
    expect(second.ok && second.value.locks[0]).toEqual({
      lock: 1,
      locked: false,
      itemPresent: false,
    });
  });

  it('costs no wait when the next command comes after the guard anyway', async () => {
    const wire = lateBoard();
    wire.answer = () => [];
    // The guard alone (no owed answers), so the next reply is trusted once it comes.
    const board = await drive(wire, {
      ...kerong,
      retries: 0,
      lateReplyGuardMs: 200,
      lateReplyHorizonMs: 0,
    });
    expect(await board.queryBoard(0)).toEqual({ ok: false, error: 'timeout' });
    await sleep(220);
    wire.answer = () => ['02 00 35 FE FF 00 00 03 37'];
    const started = Date.now();
    expect((await board.queryBoard(0)).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(100);
  });
});

describe('LCB24 unlock answers, with and without an echoing adapter (board 1 lock 1)', () => {
  const request = '8A 01 01 11 9B';
  const released = '8A 01 01 00 8A';
  const engaged = '8A 01 01 11 9B'; // byte for byte the request

  it.each([
    ['no echo', [released]],
    ['echo, then the answer', [request, released]],
    ['echo and answer in one chunk', [`${request} ${released}`]],
    ['echo split across chunks', ['8A 01', `01 11 9B ${released}`]],
  ])('acknowledges SS=00: %s', async (_case, chunks) => {
    const wire = new ScriptedWire();
    wire.answer = () => chunks;
    const board = await drive(wire, lcb24);
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: true, value: undefined });
    expect(wire.written).toEqual([request]);
  });

  it('reports jammed for the echo followed by the board repeating it (SS=11)', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [request, engaged];
    const board = await drive(wire, lcb24);
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'jammed' });
  });

  it('never takes a lone frame identical to the request as an answer: bad_reply after the timeout', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [engaged]; // an echo with a silent board, or SS=11 without an echo
    const board = await drive(wire, lcb24);
    const started = Date.now();
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  });

  it('takes an echo after line noise for the echo, and the repeat after it for a jam', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [`00 ${request}`];
    // Two unlocks on their own: no answer owed from the first to the second here.
    const board = await drive(wire, { ...lcb24, lateReplyHorizonMs: 0 });
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
    wire.answer = () => [`00 ${request}`, engaged];
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'jammed' });
  });

  it('does not take a late answer to the first pulse for the second (same lock, within the horizon)', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => []; // the first pulse's answer is late…
    const board = await drive(wire, { ...lcb24, echo: false, lateReplyGuardMs: 0 });
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'timeout' });
    wire.answer = () => [engaged]; // …and arrives while the second pulse waits
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('does not take an answer for another lock', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [request, '8A 01 02 00 89'];
    const board = await drive(wire, lcb24);
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'bad_reply' });
  });

  it('with echo: false, takes a lone SS=11 answer as a jam at once', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [engaged];
    const board = await drive(wire, { ...lcb24, echo: false, replyTimeoutMs: 10_000 });
    const started = Date.now();
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'jammed' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('with echo: true, takes a lone identical frame for the echo: the board said nothing', async () => {
    const wire = new ScriptedWire();
    wire.answer = () => [request];
    const board = await drive(wire, { ...lcb24, echo: true, lateReplyHorizonMs: 0 });
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'timeout' });
    wire.answer = () => [request, engaged];
    expect(await board.unlock({ board: 1, lock: 1 })).toEqual({ ok: false, error: 'jammed' });
  });
});

describe('queries through an echoing adapter', () => {
  it('reads LCB24 board 0x33 whose query echo ends in a start byte', async () => {
    const wire = new ScriptedWire();
    wire.answer = (request) => [request, '80 33 33 00 33 33 80'];
    const board = await drive(wire, { protocol: 'lcb24', boards: [0x33] });
    const result = await board.queryBoard(0x33);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // lockBits 0x330033: locks 1, 2, 5, 6 and 17, 18, 21, 22 read locked.
    const locked = result.value.locks.filter((l) => l.locked).map((l) => l.lock);
    expect(locked).toEqual([1, 2, 5, 6, 17, 18, 21, 22]);
    expect(wire.written).toEqual(['80 33 00 33 80']);
  });

  it('reads a Kerong board after its query echo, in the same chunk', async () => {
    const wire = new ScriptedWire();
    wire.answer = (request) => [`${request} 02 00 35 FE FF 00 00 03 37`];
    const board = await drive(wire, kerong);
    const result = await board.queryBoard(0);
    expect(result.ok && result.value.locks.map((l) => l.locked).indexOf(false)).toBe(0);
    expect(wire.written).toEqual(['02 00 30 03 35']);
  });
});

describe('the new options in configuration', () => {
  const base = { path: '/dev/locker-bus', protocol: 'lcb24', boards: [1] };

  it('defaults: echo not known, flush timeout 100 ms, guard left to the reply timeout, horizon 1 s', () => {
    const config = serialLockBoardOptionsSchema.parse(base);
    expect(config.echo).toBeUndefined();
    expect(config.flushTimeoutMs).toBe(100);
    expect(config.lateReplyGuardMs).toBeUndefined();
    expect(config.lateReplyHorizonMs).toBe(1_000);
  });

  it.each([
    [{ echo: 'yes' }, 'echo'],
    [{ flushTimeoutMs: 0 }, 'flushTimeoutMs'],
    [{ lateReplyGuardMs: -1 }, 'lateReplyGuardMs'],
    [{ lateReplyHorizonMs: 1.5 }, 'lateReplyHorizonMs'],
  ])('rejects %j', (bad, field) => {
    const result = serialLockBoardOptionsSchema.safeParse({ ...base, ...bad });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });
});
