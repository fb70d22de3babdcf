/**
 * `npm run simctl -- --url <SIM_HTTP> state | close <board> <lock> | open <board> <lock>
 *  | item <board> <lock> on|off | fault <board> <fault> on|off | scan <text> [symbology]`:
 * drives the simulators' control API from a shell.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { boardFaults } from '../sim/lockBusSimulator';

const faults = [...boardFaults, 'echo', 'unplug'];

const usage = `usage: npm run simctl -- --url <SIM_HTTP> <command>
  state                                   every board, lock and fault
  close <board> <lock>                    push a door shut
  open <board> <lock>                     force a door open, no unlock (bounced latch, broken sensor)
  item <board> <lock> on|off              place or remove an item
  fault <board> <fault> on|off            ${faults.join('|')}
                                          (echo and unplug take the whole bus)
  scan <text> [symbology]                 scan a code on the simulated scanner`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

type Request = { method: 'GET' | 'POST'; path: string; body?: unknown };

class UsageError extends Error {}

function number(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new UsageError(`${what} must be a whole number`);
  return Number(text);
}

function onOff(text: string | undefined): boolean {
  if (text !== 'on' && text !== 'off') throw new UsageError('expected on or off');
  return text === 'on';
}

function requestFor(args: string[]): Request {
  const [command, ...rest] = args;
  switch (command) {
    case 'state':
      return { method: 'GET', path: '/state' };
    case 'close':
    case 'open':
      return {
        method: 'POST',
        path: `/doors/${command}`,
        body: { board: number(rest[0], 'board'), lock: number(rest[1], 'lock') },
      };
    case 'item':
      return {
        method: 'POST',
        path: '/items',
        body: {
          board: number(rest[0], 'board'),
          lock: number(rest[1], 'lock'),
          present: onOff(rest[2]),
        },
      };
    case 'fault':
      if (rest[1] === undefined) throw new UsageError(`fault needs a kind: ${faults.join(', ')}`);
      return {
        method: 'POST',
        path: '/faults',
        body: { board: number(rest[0], 'board'), fault: rest[1], on: onOff(rest[2]) },
      };
    case 'scan':
      if (rest[0] === undefined) throw new UsageError('scan needs the text to scan');
      return { method: 'POST', path: '/scan', body: { text: rest[0], symbology: rest[1] } };
    default:
      throw new UsageError(
        command === undefined ? 'no command given' : `unknown command "${command}"`,
      );
  }
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let request: Request;
  let url: string;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { url: { type: 'string', default: process.env.SIM_HTTP } },
      allowPositionals: true,
    });
    if (values.url === undefined) throw new UsageError('--url is required (or set SIM_HTTP)');
    url = values.url;
    request = requestFor(positionals);
  } catch (error) {
    io.err(`simctl: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  try {
    const response = await fetch(new URL(request.path, url), {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await response.text();
    if (!response.ok) {
      io.err(`simctl: ${response.status} ${text}`);
      return 1;
    }
    io.out(text);
    return 0;
  } catch (error) {
    io.err(`simctl: cannot reach the simulator at ${url}: ${(error as Error).message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
