/**
 * Development runner: the kiosk on the demo config (or `--config`), on simulated hardware,
 * with its screens served by the loopback web shell. Prints the page URL (token included),
 * the simulator's control URL and a courier and a staff badge to scan through it.
 *
 *   npm run build && npx tsx src/main/webshell/main.ts [--config file] [--port n]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { formatConfigError, loadKioskConfig } from '../config/kioskConfig';
import { DevCloud } from '../headless/devCloud';
import { startKiosk } from '../kiosk';
import { DEFAULT_RENDERER_DIR, startKioskWebShell } from './serveKiosk';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'src/main/config/demo-kiosk.json' },
    port: { type: 'string', default: '0' },
  },
});

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const loaded = loadKioskConfig(values.config);
if (!loaded.ok) {
  process.stderr.write(`${formatConfigError(loaded.error)}\n`);
  process.exit(1);
}
const config = loaded.value;
if (!existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) {
  process.stderr.write(`no built renderer in ${DEFAULT_RENDERER_DIR}: run npm run build first\n`);
  process.exit(1);
}
mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
const cloud = DevCloud.open(config.dataDir);
const kiosk = await startKiosk(config, log, { cloudPublicKey: cloud.publicKey });
const served = await startKioskWebShell(kiosk, {
  lockerId: config.lockerId,
  log,
  port: Number(values.port),
});

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`WEBSHELL_URL=${served.shell.pageUrl}`);
if (kiosk.devices.simulation) out(`SIM_HTTP=${kiosk.devices.simulation.control.url}`);
out(`COURIER_BADGE=${cloud.badge('courier', 'dev-courier')}`);
out(`STAFF_BADGE=${cloud.badge('staff', 'dev-staff')}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await served.close();
  await kiosk.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
