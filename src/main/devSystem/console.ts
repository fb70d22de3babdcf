/**
 * A line console beside the screens (when stdin is a terminal): type what a customer, courier
 * or technician would do and watch the log; handy over SSH on a locker without its screen.
 */
import { createInterface } from 'node:readline';
import type { LockBusSimulator } from '../../../hardware/sim/lockBusSimulator';
import { SIZES, type Size } from '../../shared/domain';
import type { Kiosk } from '../kiosk';
import { listEvents } from '../store/events';
import type { Actor } from '../services/context';

const HELP = `commands:
  state                      compartments and their doors
  code <digits>              customer pickup with a code
  return <digits>            customer return with a return code
  deposit <barcode> [size]   courier deposit (size S|M|L|XL for unannounced parcels)
  close <compartment>        close a simulated door, e.g. close A3
  events [n]                 the last n audit events (default 10)
  quit`;

export function runConsole(
  kiosk: Kiosk,
  courierBadge: string,
  sim: LockBusSimulator | null,
  onQuit: () => void,
): void {
  const { core } = kiosk;
  let courier: Actor | null = null;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const rl = createInterface({ input: process.stdin, prompt: 'kiosk> ' });
  out(HELP);
  rl.prompt();
  rl.on('line', (line) => {
    const [command, ...args] = line.trim().split(/\s+/);
    void (async () => {
      switch (command) {
        case 'state':
          for (const c of core.compartments()) {
            out(
              `${c.id.padEnd(4)} ${c.size.padEnd(3)} ${c.state.padEnd(15)} door ${c.doorOpen === null ? '?' : c.doorOpen ? 'OPEN' : 'shut'}${c.lowerDoor ? '  (lower)' : ''}`,
            );
          }
          break;
        case 'code':
          out(JSON.stringify(await core.pickups.withCode(args[0] ?? '', 'code')));
          break;
        case 'return':
          out(JSON.stringify(await core.returns.withCode(args[0] ?? '', 'code')));
          break;
        case 'deposit': {
          if (!courier) {
            const login = core.credentials.login(courierBadge);
            courier = login.ok ? login.value : null;
          }
          const size = SIZES.includes(args[1] as Size) ? (args[1] as Size) : undefined;
          out(
            JSON.stringify(
              courier ? await core.deposits.start(courier, args[0] ?? '', size) : 'no courier',
            ),
          );
          break;
        }
        case 'close': {
          const c = core.compartments().find((c) => c.id === args[0]?.toUpperCase());
          out(
            !c
              ? 'no such compartment'
              : !sim
                ? 'real hardware: close the door by hand'
                : JSON.stringify(sim.closeDoor(c.board, c.lock)),
          );
          break;
        }
        case 'events':
          for (const e of listEvents(kiosk.db).slice(-Number(args[0] ?? 10)))
            out(`${e.seq} ${e.type} ${JSON.stringify(JSON.parse(e.body).payload)}`);
          break;
        case 'quit':
          rl.close();
          return;
        case '':
        case undefined:
          break;
        default:
          out(HELP);
      }
      rl.prompt();
    })().catch((e: unknown) => out(`error: ${String(e)}`));
  });
  rl.on('close', onQuit);
}
