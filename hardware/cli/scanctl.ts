/** `npm run scanctl -- list | watch …`: see hardware/scanner/scanctlCommand.ts. */
import { nodeHidBackend } from '../scanner/hidBackend';
import { runScanctl } from '../scanner/scanctlCommand';

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await runScanctl(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  backend: nodeHidBackend(),
  stopped,
});
process.exit(code);
