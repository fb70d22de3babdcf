/**
 * `npm start`: the whole system on embedded defaults. cloud-mock in its own process with its
 * embedded MQTT broker; the kiosk (KioskCore, cloud link, simulated lock bus and scanner, web
 * shell) in this one; the screens in Electron, Chromium app mode, or nowhere (headless). The
 * demo locker is provisioned and enrolled by itself; a fresh data dir gets a short walkthrough.
 *
 *   npm start [-- --config <kiosk.json>] [--headless] [--no-walkthrough]
 */
import { startupFailure } from '../startupFailure';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { readEnrollment } from '../cloud/enrollment';
import { formatConfigError, loadKioskConfig, type KioskConfig } from '../config/kioskConfig';
import { startKiosk } from '../kiosk';
import { listEvents } from '../store/events';
import { startKioskWebShell } from '../webshell/serveKiosk';
import { CloudClient } from './cloudClient';
import { startCloudProcess } from './cloudProcess';
import { runConsole } from './console';
import { devPorts } from './devPorts';
import { operatorKey } from './operatorKey';
import { ensureRendererBuilt } from './rendererBuild';
import { chooseScreen, openChromiumApp, openElectron } from './screen';
import { summary } from './summary';
import { waitingCodes } from './waitingCodes';
import { runWalkthrough } from './walkthrough';

const VERSION = '0.1.0';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'src/main/config/demo-kiosk.json' },
    headless: { type: 'boolean', default: false },
    'no-walkthrough': { type: 'boolean', default: false },
  },
});

const out = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

/** Provisions the locker at first start and hands the kiosk its one-time enrolment token. */
async function enrolment(config: KioskConfig, client: CloudClient): Promise<KioskConfig> {
  const enrolled = existsSync(join(config.dataDir, 'cloud-enrollment.json'));
  if (await client.lockerExists(config.lockerId)) {
    if (!enrolled) {
      fail(
        `the cloud knows ${config.lockerId} but this kiosk was never enrolled with it: delete ${dirname(config.dataDir)} to start over`,
      );
    }
    // Enrolled before each unit got its own broker login: the broker would refuse it.
    if (readEnrollment(config.dataDir)?.mqtt.username === undefined)
      fail(
        `this kiosk was enrolled before units had broker logins: delete ${dirname(config.dataDir)} to start over`,
      );
    return config;
  }
  if (enrolled)
    fail(
      `this kiosk is enrolled with a cloud that no longer knows it: delete ${dirname(config.dataDir)} to start over`,
    );
  const { enrollmentToken } = await client.provision({
    id: config.lockerId,
    name: 'Demo locker, Main Street',
    address: '1 Main Street, 00-001 Springfield',
    lat: 52.2297,
    lng: 21.0122,
    compartments: config.compartments.map(({ id, size, inner, maxWeightG, lowerDoor }) => ({
      id,
      size,
      inner,
      maxWeightG,
      lowerDoor,
    })),
  });
  log.info({ lockerId: config.lockerId }, 'cloud: demo locker provisioned');
  return { ...config, cloud: { ...config.cloud, apiUrl: client.baseUrl, enrollmentToken } };
}

const loaded = loadKioskConfig(values.config);
if (!loaded.ok) fail(formatConfigError(loaded.error));
const dataRoot = dirname(loaded.value.dataDir);
mkdirSync(loaded.value.dataDir, { recursive: true, mode: 0o700 });
// Everything goes to a file; the terminal shows warnings and the summary, pretty when it can.
const logFile = join(dataRoot, 'npm-start.log');
const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info' },
  pino.transport({
    targets: [
      { target: 'pino/file', options: { destination: logFile, mkdir: true }, level: 'trace' },
      process.stdout.isTTY
        ? {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname', destination: 2 },
            level: 'warn',
          }
        : { target: 'pino/file', options: { destination: 2 }, level: 'warn' },
    ],
  }),
);
ensureRendererBuilt();

const ports = await devPorts(join(dataRoot, 'dev-ports.json'));
const simPort = ports.sim;
const simulated = loaded.value.serial.kind === 'simulator';
const cloud = await startCloudProcess({
  httpPort: ports.http,
  mqttPort: ports.mqtt,
  dataDir: join(dataRoot, 'cloud'),
  ...(simulated ? { simulatorUrl: `http://127.0.0.1:${simPort}` } : {}),
  onLog: (line) => log.debug({ from: 'cloud-mock' }, line),
});
// The dev system is the cloud's operator: it makes its own key on first start and keeps it.
const key = await operatorKey({
  file: join(dataRoot, 'operator-key'),
  cloudDataDir: join(dataRoot, 'cloud'),
  httpUrl: cloud.httpUrl,
  out,
}).catch(async (e: unknown) => {
  await cloud.stop();
  fail((e as Error).message);
});
const client = new CloudClient(cloud.httpUrl, key);
const config = await enrolment(loaded.value, client);
const stops: (() => Promise<void>)[] = [() => cloud.stop()];
const stop = async (code = 0) => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

const screen = values.headless ? 'headless' : chooseScreen();
if (screen === 'electron') {
  const configFile = join(dataRoot, 'kiosk-config.json');
  // Electron's main process runs the kiosk itself: give it the broker by its address.
  const forElectron = { ...config, cloud: { ...config.cloud, brokerUrl: cloud.mqttUrl } };
  writeFileSync(configFile, JSON.stringify(forElectron, null, 2), { mode: 0o600 });
  out(`CLOUD_HTTP=${cloud.httpUrl}`);
  const electron = openElectron(configFile);
  electron.once('exit', (code) => void stop(code ?? 0));
} else {
  const fresh = !existsSync(join(config.dataDir, 'kiosk.db'));
  const kiosk = await startKiosk(config, log, {
    simControlPort: simPort,
    cloud: { embeddedBrokerUrl: cloud.mqttUrl },
    softwareVersion: VERSION,
  }).catch(async (e: unknown) => {
    // A full disk says so, with its own exit code (startupFailure.ts); anything else is a bug.
    const failure = startupFailure(e);
    process.stderr.write(`npm start: ${failure.message}\n`);
    await stop(failure.exitCode);
    throw e;
  });
  stops.push(() => kiosk.close());
  const served = await startKioskWebShell(kiosk, {
    lockerId: config.lockerId,
    log,
    port: ports.kiosk,
  });
  stops.push(() => served.close());

  // Every signed event as it commits: what the locker does.
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

  out(`KIOSK_URL=${served.shell.pageUrl}`);
  out(`CLOUD_HTTP=${cloud.httpUrl}`);
  const sim = kiosk.devices.simulation;
  if (sim) out(`SIM_HTTP=${sim.control.url}`);

  await waitOnline(kiosk, 30_000);
  const courier = await client.badge({
    role: 'courier',
    subject: 'demo-courier',
    lockers: [config.lockerId],
    validDays: 30,
  });
  const staff = await client.badge({
    role: 'staff',
    subject: 'demo-staff',
    lockers: [config.lockerId],
    validDays: 30,
  });
  out(`COURIER_BADGE=${courier.token}`);
  out(`STAFF_BADGE=${staff.token}`);

  if (screen === 'chromium') {
    const window = openChromiumApp(served.shell.pageUrl, join(dataRoot, 'chromium-profile'));
    stops.push(async () => void window.kill());
  }
  if (sim && fresh && !values['no-walkthrough']) {
    await runWalkthrough(kiosk, client, sim.bus.sim, config.lockerId, log).catch((e: unknown) =>
      log.error({ err: e }, 'walkthrough failed'),
    );
  }
  // Every start, not only the first: the codes of the parcels still waiting at the locker.
  const codes = await waitingCodes(kiosk, client, config.lockerId).catch((e: unknown) => {
    log.warn({ err: e }, 'could not read the pickup codes from the cloud');
    return [];
  });
  for (const c of codes) out(`PICKUP_CODE ${c.parcelId}=${c.code}`);
  for (const line of summary({
    lockerId: config.lockerId,
    screen,
    kioskUrl: served.shell.pageUrl,
    cloudUrl: cloud.httpUrl,
    simUrl: sim?.control.url ?? null,
    courierBadge: courier.token,
    staffBadge: staff.token,
    codes,
    logFile,
  }))
    out(line);
  out(`READY screen=${screen}`);
  if (process.stdin.isTTY)
    runConsole(kiosk, courier.token, sim?.bus.sim ?? null, () => void stop());
}

async function waitOnline(
  kiosk: Awaited<ReturnType<typeof startKiosk>>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (kiosk.cloud && kiosk.cloud.status().connection !== 'online') {
    if (Date.now() > deadline) {
      log.warn({ status: kiosk.cloud.status() }, 'cloud link not online yet; going on offline');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
