/**
 * One parser's fuzz run in a process of its own (`fuzzChild.ts <parser> <runs> <seed>`), so a
 * parser that hangs can be killed by the drill's watchdog and one that leaks cannot slow the
 * next. Progress and the figures go to the parent over IPC.
 */
import { fuzzParser } from './parserFuzz';
import { PARSERS } from './parsers';

const [name = '', runsArg = '', seedArg = ''] = process.argv.slice(2);
const load = PARSERS[name];
if (load === undefined) throw new Error(`no parser "${name}"`);
const send = (message: unknown) =>
  new Promise<void>((resolve) =>
    process.send ? process.send(message, () => resolve()) : resolve(),
  );

// A promise rejected with nobody waiting is a crash of the path under fuzz, not of the drill.
let unhandled = 0;
process.on('unhandledRejection', (e) => {
  unhandled += 1;
  void send({ unhandled: String((e as Error)?.stack ?? e) });
});

const parser = await load();
const figures = await fuzzParser(
  parser,
  Number(runsArg || parser.smallRuns),
  Number(seedArg),
  (done) => {
    void send({ progress: done });
  },
);
figures.crashes += unhandled;
await send({ figures });
process.exit(0);
