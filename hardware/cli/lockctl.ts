/**
 * `npm run lockctl`: a technician's tool for a lock bus. Reads a board, opens a lock, or watches
 * door and item changes, through the same SerialLockBoard driver the kiosk uses.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { LockBoardProtocolName } from '../lockboard/boardProtocol';
import { boardProtocols } from '../lockboard/protocols';
import { SerialLockBoard } from '../lockboard/serialLockBoard';
import type { BoardState, LockBoardEvent, LockBoardFailure } from '../lockboard/types';

const usage = `usage: npm run lockctl -- --port <path> --protocol kerong-cu16|lcb24 [options] <command>
  status <board>          read every lock of one board
  open <board> <lock>     pulse one latch (lock as printed, from 1)
  watch                   print each board's state, then door and item changes until Ctrl-C
                          (needs --boards; a board read again after a failure is printed again)
options:
  --baud N                serial speed (default 19200 for kerong-cu16, 9600 for lcb24)
  --locked-bit 0|1        bit value that means "locked" on this installation (default 1)
  --echo yes|no           whether the RS-485 adapter echoes what it sends (default: not known)
  --boards 0,1            boards to watch
  --interval MS           poll interval for watch (default 250)
  --json                  one JSON object per line`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

class UsageError extends Error {}

type Command =
  | { kind: 'status'; board: number }
  | { kind: 'open'; board: number; lock: number }
  | { kind: 'watch' };

interface Settings {
  port: string;
  protocol: LockBoardProtocolName;
  baud: number | undefined;
  lockedBit: 0 | 1;
  echo: boolean | undefined;
  boards: number[] | undefined;
  interval: number;
  json: boolean;
  command: Command;
}

function whole(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new UsageError(`${what} must be a whole number, got ${text ?? 'nothing'}`);
  return Number(text);
}

function parseCommand(positionals: string[]): Command {
  const [name, ...rest] = positionals;
  if (name === 'status' && rest.length === 1)
    return { kind: 'status', board: whole(rest[0], 'board') };
  if (name === 'open' && rest.length === 2) {
    return { kind: 'open', board: whole(rest[0], 'board'), lock: whole(rest[1], 'lock') };
  }
  if (name === 'watch' && rest.length === 0) return { kind: 'watch' };
  if (name === undefined) throw new UsageError('no command given');
  if (name === 'status' || name === 'open' || name === 'watch')
    throw new UsageError(`wrong arguments for ${name}`);
  throw new UsageError(`unknown command "${name}"`);
}

export function parseSettings(argv: string[]): Settings {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      protocol: { type: 'string' },
      baud: { type: 'string' },
      'locked-bit': { type: 'string', default: '1' },
      echo: { type: 'string' },
      boards: { type: 'string' },
      interval: { type: 'string', default: '250' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.port === undefined) throw new UsageError('--port is required');
  if (values.protocol === undefined) throw new UsageError('--protocol is required');
  if (!(values.protocol in boardProtocols)) {
    throw new UsageError(`unknown protocol "${values.protocol}" (kerong-cu16 or lcb24)`);
  }
  const lockedBit = values['locked-bit'];
  if (lockedBit !== '0' && lockedBit !== '1') throw new UsageError('--locked-bit must be 0 or 1');
  const echo = values.echo;
  if (echo !== undefined && echo !== 'yes' && echo !== 'no')
    throw new UsageError('--echo must be yes or no');
  const command = parseCommand(positionals);
  const boards = values.boards?.split(',').map((board) => whole(board.trim(), '--boards'));
  if (command.kind === 'watch' && boards === undefined)
    throw new UsageError('watch needs --boards');
  return {
    port: values.port,
    protocol: values.protocol as LockBoardProtocolName,
    baud: values.baud === undefined ? undefined : whole(values.baud, '--baud'),
    lockedBit: lockedBit === '0' ? 0 : 1,
    echo: echo === undefined ? undefined : echo === 'yes',
    boards,
    interval: Math.max(1, whole(values.interval, '--interval')),
    json: values.json,
    command,
  };
}

function explain(
  failure: LockBoardFailure,
  board: number,
  settings: Settings,
  fault: string | undefined,
): string {
  const protocol = boardProtocols[settings.protocol];
  switch (failure) {
    case 'timeout':
      return `board ${board} did not answer (check its address switches, the A/B wiring and the baud rate)`;
    case 'bad_reply':
      return `board ${board} answered with corrupt or unexpected frames (check termination, baud rate and --protocol)`;
    case 'interrupted':
      return `the bus at ${settings.port} went away while the command was on the wire${fault ? `: ${fault}` : ''}; the latch may have fired, check the door`;
    case 'jammed':
      return `board ${board} says the latch stayed engaged (a jammed lock or a door under pressure)`;
    case 'disconnected':
      return `the bus at ${settings.port} is not available${fault ? `: ${fault}` : ''}`;
    case 'no_such_lock':
      return `no such lock: ${protocol.name} boards have locks 1-${protocol.locksPerBoard}, boards 0-${protocol.maxBoard}`;
  }
}

const ambiguousLcb24Answer =
  'lockctl: (an LCB24 answer "latch stayed engaged" is byte for byte the request, so without --echo yes|no it cannot be told from an echo; run status to see the door)';

/** Without knowing the adapter, an LCB24 jam answer ends as bad_reply (docs/hardware.md). */
function mayBeLcb24Jam(failure: LockBoardFailure, settings: Settings): boolean {
  return failure === 'bad_reply' && settings.protocol === 'lcb24' && settings.echo === undefined;
}

function describeBoard(state: BoardState): string[] {
  return [
    `board ${state.board}:`,
    ...state.locks.map(
      (l) =>
        `  lock ${String(l.lock).padStart(2)}  ${l.locked ? 'locked  ' : 'OPEN    '}` +
        (l.itemPresent === null ? '' : `item: ${l.itemPresent ? 'yes' : 'no'}`),
    ),
  ];
}

function describeEvent(event: LockBoardEvent, json: boolean): string[] {
  if (event.type === 'baseline') {
    // The full state of a board just (re)read: printed like `status` prints it.
    return json ? [JSON.stringify(event.state)] : describeBoard(event.state);
  }
  return [json ? JSON.stringify(event) : describeChange(event)];
}

function describeChange(event: Exclude<LockBoardEvent, { type: 'baseline' }>): string {
  switch (event.type) {
    case 'door':
      return `board ${event.board} lock ${event.lock}: door ${event.locked ? 'shut and locked' : 'open'}`;
    case 'item':
      return `board ${event.board} lock ${event.lock}: item ${event.present ? 'placed' : 'removed'}`;
    case 'unreadable':
      return `board ${event.board}: cannot be read (${event.failure})`;
    case 'fault':
      return `bus fault: ${event.reason}`;
    case 'recovered':
      return 'bus recovered';
  }
}

/** Runs one command; resolves the exit code. `stop` ends a watch (Ctrl-C in the real tool). */
export async function main(
  argv: string[],
  io: CliIo = defaultIo,
  stop?: AbortSignal,
): Promise<number> {
  let settings: Settings;
  try {
    settings = parseSettings(argv);
  } catch (error) {
    io.err(`lockctl: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { command, json } = settings;
  const boards = command.kind === 'watch' ? (settings.boards ?? []) : [command.board];
  let driver: SerialLockBoard;
  try {
    driver = new SerialLockBoard({
      path: settings.port,
      protocol: settings.protocol,
      baudRate: settings.baud,
      boards,
      lockedBitValue: settings.lockedBit,
      echo: settings.echo,
      pollIntervalMs: command.kind === 'watch' ? settings.interval : 0,
    });
  } catch (error) {
    io.err(`lockctl: ${(error as Error).message}`);
    return 2;
  }
  let fault: string | undefined;
  driver.onEvent((event) => {
    if (event.type === 'fault') fault = event.reason;
    if (command.kind === 'watch') describeEvent(event, json).forEach((line) => io.out(line));
  });
  try {
    if (!(await driver.start()) && command.kind !== 'watch') {
      io.err(`lockctl: ${explain('disconnected', boards[0] ?? 0, settings, fault)}`);
      return 1;
    }
    if (command.kind === 'open') {
      const result = await driver.unlock({ board: command.board, lock: command.lock });
      if (!result.ok) {
        io.err(`lockctl: ${explain(result.error, command.board, settings, fault)}`);
        if (mayBeLcb24Jam(result.error, settings)) io.err(ambiguousLcb24Answer);
        return 1;
      }
      io.out(
        json
          ? JSON.stringify({ board: command.board, lock: command.lock, acknowledged: true })
          : `board ${command.board} lock ${command.lock}: unlock acknowledged`,
      );
      return 0;
    }
    for (const board of boards) {
      const result = await driver.queryBoard(board);
      if (!result.ok) {
        io.err(`lockctl: ${explain(result.error, board, settings, fault)}`);
        if (command.kind === 'status') return 1;
        continue;
      }
      if (command.kind === 'watch') continue; // printed from its baseline event
      if (json) io.out(JSON.stringify(result.value));
      else describeBoard(result.value).forEach((line) => io.out(line));
    }
    if (command.kind === 'watch') await untilStopped(stop);
    return 0;
  } finally {
    await driver.close();
  }
}

function untilStopped(stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    if (stop?.aborted) return done();
    stop?.addEventListener('abort', done, { once: true });
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
