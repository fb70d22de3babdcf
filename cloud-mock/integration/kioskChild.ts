/**
 * A kiosk process for the crash test: the real composition root (startKiosk) on the config file
 * given as the first argument, on simulated hardware. Prints ONLINE once its cloud link is
 * online; SIGTERM closes it in order. EMBEDDED_BROKER_URL serves brokerUrl "embedded".
 */
import { pino } from 'pino';
import { formatConfigError, loadKioskConfig } from '../../src/main/config/kioskConfig';
import { startKiosk } from '../../src/main/kiosk';

const loaded = loadKioskConfig(process.argv[2] ?? '');
if (!loaded.ok) {
  process.stderr.write(`${formatConfigError(loaded.error)}\n`);
  process.exit(2);
}
const embedded = process.env.EMBEDDED_BROKER_URL;
const kiosk = await startKiosk(
  loaded.value,
  pino({ name: 'kiosk child', level: process.env.IT_LOG ?? 'silent' }, pino.destination(2)),
  { softwareVersion: '0.1.0-it-child', cloud: embedded ? { embeddedBrokerUrl: embedded } : true },
);
let said = false;
const sayOnline = () => {
  if (said || kiosk.cloud?.status().connection !== 'online') return;
  said = true;
  process.stdout.write('ONLINE\n');
};
kiosk.cloud?.onStatus(sayOnline);
sayOnline();
process.once('SIGTERM', () => {
  void kiosk.close().then(() => process.exit(0));
});
