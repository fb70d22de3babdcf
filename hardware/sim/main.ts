/**
 * `npm run sim`: a simulated lock bus on a pty plus its HTTP control API, for running the kiosk
 * or lockctl against. Prints SIM_DEVICE=<path> and SIM_HTTP=<url> once ready.
 */
import { parseArgs } from 'node:util';
import type { LockBoardProtocolName } from '../lockboard/boardProtocol';
import { boardProtocols } from '../lockboard/protocols';
import { startControlServer } from './controlServer';
import { startSimulatedLockBus } from './simulatedLockBus';

const usage = `usage: npm run sim -- [--protocol kerong-cu16|lcb24] [--boards 0,1] [--port N]
                      [--door-delay MS] [--late-delay MS] [--locked-bit 0|1] [--dir PATH]`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${usage}\n`);
  process.exit(2);
}

function integer(text: string, what: string): number {
  if (!/^\d+$/.test(text)) fail(`${what} must be a whole number, got "${text}"`);
  return Number(text);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        protocol: { type: 'string', default: 'kerong-cu16' },
        boards: { type: 'string' },
        port: { type: 'string', default: '0' },
        'door-delay': { type: 'string', default: '500' },
        'late-delay': { type: 'string', default: '600' },
        'locked-bit': { type: 'string', default: '1' },
        dir: { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!(values.protocol in boardProtocols)) fail(`unknown protocol "${values.protocol}"`);
  const protocol = values.protocol as LockBoardProtocolName;
  // LCB24 boards are usually addressed from 1, Kerong boards from 0.
  const boards = (values.boards ?? (protocol === 'lcb24' ? '1,2' : '0,1'))
    .split(',')
    .map((board) => integer(board.trim(), '--boards'));
  const lockedBit = values['locked-bit'];
  if (lockedBit !== '0' && lockedBit !== '1') fail('--locked-bit must be 0 or 1');

  const bus = await startSimulatedLockBus({
    protocol,
    boards,
    doorOpenDelayMs: integer(values['door-delay'], '--door-delay'),
    lateReplyMs: integer(values['late-delay'], '--late-delay'),
    lockedBitValue: lockedBit === '0' ? 0 : 1,
    dir: values.dir,
  });
  const server = await startControlServer({ bus, port: integer(values.port, '--port') });
  process.stdout.write(`SIM_DEVICE=${bus.kioskPath}\nSIM_HTTP=${server.url}\n`);

  const shutdown = async (): Promise<void> => {
    await server.close();
    await bus.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`sim: ${(error as Error).message}\n`);
  process.exit(1);
});
