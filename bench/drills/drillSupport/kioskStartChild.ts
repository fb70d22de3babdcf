/**
 * Drill support: starts a kiosk the way its entry points do (startKiosk from a config file,
 * without a cloud link) and reports start-up failures the way they do (startupFailure), so a
 * drill can watch what an operator would see: the message on stderr and the exit code. Prints
 * `STARTED` and exits 0 once the kiosk is up (it closes it again at once).
 *
 *   node --import tsx bench/drills/drillSupport/kioskStartChild.ts <config.json>
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { kioskConfigSchema } from '../../../src/main/config/kioskConfig';
import { startKiosk } from '../../../src/main/kiosk';
import { startupFailure } from '../../../src/main/startupFailure';

const config = kioskConfigSchema.parse(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
const log = pino({ level: 'warn' }, pino.destination(2));
try {
  const kiosk = await startKiosk(config, log, { cloud: false });
  process.stdout.write('STARTED\n');
  await kiosk.close();
  process.exit(0);
} catch (e) {
  const failure = startupFailure(e);
  process.stderr.write(`kiosk: ${failure.message}\n`);
  process.exit(failure.exitCode);
}
