/**
 * `npm start`: the kiosk core headless on the demo configuration (or `--config <file>`), on
 * simulated hardware unless the config names real devices. Logs what the locker does; on a
 * fresh data dir it runs a short walkthrough; with a terminal it offers a line console.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { formatConfigError, loadKioskConfig } from './config/kioskConfig';
import { runConsole } from './headless/console';
import { DevCloud } from './headless/devCloud';
import { runWalkthrough } from './headless/walkthrough';
import { startKiosk } from './kiosk';
import { listEvents } from './store/events';
import { listParcelsInState } from './store/parcels';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'src/main/config/demo-kiosk.json' },
    'no-walkthrough': { type: 'boolean', default: false },
  },
});

const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info' },
  process.stdout.isTTY
    ? pino.transport({ target: 'pino-pretty', options: { ignore: 'pid,hostname' } })
    : undefined,
);

const loaded = loadKioskConfig(values.config);
if (!loaded.ok) {
  process.stderr.write(`${formatConfigError(loaded.error)}\n`);
  process.exit(1);
}
const config = loaded.value;

const { mkdirSync } = await import('node:fs');
mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
const cloud = DevCloud.open(config.dataDir);
const kiosk = await startKiosk(config, log, {
  cloudPublicKey: cloud.publicKey,
  softwareVersion: '0.1.0',
});

// Log every audit event as it is committed: this is "what the locker does".
let lastSeq = listEvents(kiosk.db).at(-1)?.seq ?? 0;
kiosk.core.audit.onAppend(() => {
  for (const e of listEvents(kiosk.db, lastSeq + 1)) {
    lastSeq = e.seq;
    log.info(
      { seq: e.seq, payload: (JSON.parse(e.body) as { payload: unknown }).payload },
      `event ${e.type}`,
    );
  }
});

const sim = kiosk.devices.simulation;
log.info(
  { lockerId: config.lockerId, dataDir: config.dataDir, compartments: config.compartments.length },
  'kiosk core running',
);
if (sim) process.stdout.write(`SIM_HTTP=${sim.control.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log.info('shutting down');
  await kiosk.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

const fresh =
  listParcelsInState(
    kiosk.db,
    'expected',
    'deposited',
    'picked_up',
    'expired',
    'collected',
    'cancelled',
  ).length === 0;
if (sim && fresh && !values['no-walkthrough']) {
  await runWalkthrough(kiosk, cloud, sim.bus.sim, log, config.policy.codeLength).catch(
    (e: unknown) => log.error({ err: e }, 'walkthrough failed'),
  );
}
if (process.stdin.isTTY) runConsole(kiosk, cloud, sim?.bus.sim ?? null, () => void stop());
