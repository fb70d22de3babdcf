/**
 * `npm run cloud`: starts the development cloud and prints `CLOUD_HTTP=<url>` and
 * `CLOUD_MQTT=<url>` (the broker URL units are told, never with credentials) on stdout when
 * ready (logs go to stderr, passwords redacted); stops cleanly on SIGINT/SIGTERM.
 * `npm run cloud -- keys …` manages the REST API's keys instead (keysCli.ts).
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { parseArgs, USAGE } from './args';
import { SECRET_LOG_PATHS } from './brokerAccess/secretLogPaths';
import { startCloud } from './cloud';
import { runKeysCli } from './keysCli';

async function main(): Promise<void> {
  if (process.argv[2] === 'keys') {
    process.exitCode = runKeysCli(process.argv.slice(3), {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      now: () => Date.now(),
      randomBytes: (size) => randomBytes(size),
    });
    return;
  }
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`cloud-mock: ${parsed.error}\n${USAGE}\n`);
    process.exit(2);
  }
  const { args } = parsed;
  const log = pino(
    { level: process.env['LOG_LEVEL'] ?? 'info', redact: SECRET_LOG_PATHS },
    pino.destination(2),
  );
  const tls = {
    ...(args.brokerCa ? { caFile: args.brokerCa } : {}),
    ...(args.brokerCert ? { certFile: args.brokerCert } : {}),
    ...(args.brokerKey ? { keyFile: args.brokerKey } : {}),
  };
  const cloud = await startCloud({
    httpPort: args.httpPort,
    ...(args.broker ? { brokerUrl: args.broker } : { mqttPort: args.mqttPort ?? 1883 }),
    ...(args.brokerAccounts ? { brokerAccounts: args.brokerAccounts } : {}),
    ...(args.brokerCredentials ? { brokerCredentials: args.brokerCredentials } : {}),
    ...(Object.keys(tls).length > 0 ? { brokerTls: tls } : {}),
    ...(args.advertiseMqtt ? { advertisedMqttUrl: args.advertiseMqtt } : {}),
    dataDir: args.dataDir,
    host: args.host,
    ...(args.topicPrefix ? { topicPrefix: args.topicPrefix } : {}),
    ...(args.simulator ? { simulatorUrl: args.simulator } : {}),
    publicHosts: args.publicHost ?? [],
    ...(args.publicUrl ? { publicUrl: args.publicUrl } : {}),
    scheduler: args.scheduler,
    log,
  });
  process.stdout.write(`CLOUD_HTTP=${cloud.httpUrl}\nCLOUD_MQTT=${cloud.mqttUrl}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    cloud.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`cloud-mock: ${(e as Error).message}\n`);
  process.exit(1);
});
