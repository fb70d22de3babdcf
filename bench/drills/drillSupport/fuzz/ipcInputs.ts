/**
 * The kiosk's IPC inputs under fuzz (what the screen, or anything on the web shell's socket,
 * sends): for every channel of the contract, inputs drawn from its zod schema, the same damaged,
 * and any JSON, sent by nobody, a courier or staff to the real handler table over KioskCore and
 * a real SQLite file. No input may make a handler throw (`internal_error`); an input refused at
 * the boundary (invalid, not logged in, not allowed) writes nothing and fires no latch.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CHANNELS, kioskContract, type Channel } from '../../../../src/shared/ipc/contract';
import { fixtureHandlerTable } from '../../../../src/main/ipc/testSupport/handlerTable';
import { Session } from '../../../../src/main/ipc/session';
import { announce, startFixture } from '../../../../src/main/services/testSupport/kioskFixture';
import { awkwardValue, mutatedJson } from './jsonMutation';
import { fromJsonSchema, type JsonSchema } from './jsonSchemaArbitrary';
import { scratchDir } from './scratchDir';
import type { FuzzSubject, ParserFuzz, Verdict } from './parserFuzz';

type Caller = 'nobody' | 'courier' | 'staff';

export interface IpcInput {
  channel: Channel;
  as: Caller;
  kind: string;
  input: unknown;
}

const KNOWN = {
  compartmentId: ['A1', 'A2', 'A3', 'B1', 'B3'],
  parcelId: ['fz-p1', 'fz-p2'],
  barcode: ['TRKfz-p1', 'TRKfz-p2'],
  code: ['111222', '000000'],
};
const BOUNDARY_REFUSALS = new Set(['invalid_input', 'not_logged_in', 'not_allowed']);

function inputOf(channel: Channel): fc.Arbitrary<{ kind: string; input: unknown }> {
  const schema = z.toJSONSchema(kioskContract[channel].input, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const fits = fromJsonSchema(schema, KNOWN);
  return fc.oneof(
    { weight: 4, arbitrary: fits.map((input) => ({ kind: 'fits-schema', input })) },
    { weight: 4, arbitrary: mutatedJson(fits).map((input) => ({ kind: 'damaged', input })) },
    { weight: 1, arbitrary: awkwardValue.map((input) => ({ kind: 'any', input })) },
  );
}

const ipcInput: fc.Arbitrary<IpcInput> = fc
  .tuple(fc.constantFrom(...CHANNELS), fc.constantFrom<Caller>('nobody', 'courier', 'staff'))
  .chain(([channel, as]) => inputOf(channel).map((i) => ({ channel, as, ...i })));

async function openTable(): Promise<FuzzSubject<IpcInput>> {
  const dir = scratchDir('fuzz-ipc-');
  const f = await startFixture({ file: join(dir, 'kiosk.sqlite') });
  announce(f, 'fz-p1', '111222');
  announce(f, 'fz-p2', '333444');
  const session = new Session({ idleMs: 3_600_000, now: f.clock.now });
  const handlers = fixtureHandlerTable(f, session);
  const written = (): number =>
    (f.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const outcomes: Record<string, number> = {};
  return {
    async handle(input): Promise<Verdict> {
      if (input.as === 'nobody') session.end();
      else session.begin(input.as, `${input.as}-fz`, `${input.as}-badge`);
      const writtenBefore = written();
      const pulsesBefore = f.board.unlocked.length;
      const call = handlers[input.channel] as (
        i: unknown,
      ) => Promise<{ ok: boolean; error?: unknown }>;
      const result = await call(input.input);
      const reason = result.ok ? 'ok' : String((result.error as { reason?: unknown })?.reason);
      const key = `${input.channel} ${reason}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (reason === 'internal_error') {
        return { rejected: true, violation: `${input.channel} failed inside its handler` };
      }
      if (!BOUNDARY_REFUSALS.has(reason)) return { rejected: !result.ok };
      const rows = written() - writtenBefore;
      const pulses = f.board.unlocked.length - pulsesBefore;
      if (rows !== 0 || pulses !== 0) {
        return {
          rejected: true,
          violation: `refused (${reason}) yet ${rows} rows written, ${pulses} pulses`,
        };
      }
      return { rejected: true };
    },
    figures: () => ({ pulses: f.board.unlocked.length, outcomes }),
    async close() {
      await f.core.close();
      f.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ipcFuzz(smallRuns: number): ParserFuzz<IpcInput> {
  return {
    name: 'ipc inputs',
    smallRuns,
    boundMs: 5_000,
    input: ipcInput,
    show: (input) =>
      `${input.channel} as ${input.as} (${input.kind}) ${JSON.stringify(input.input)}`,
    open: openTable,
  };
}
