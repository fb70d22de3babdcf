/** Command-line options of `npm run cloud`, checked with a clear message for each mistake. */
import { z } from 'zod';
import { BROKER_ACCOUNT_KINDS, brokerAccountsProblem } from './brokerAccess/accounts';
import {
  advertisedUrlProblem,
  isUnspecifiedHost,
  splitBrokerUrl,
} from './brokerAccess/brokerAddress';

export const USAGE = `usage: npm run cloud -- [--http-port N] [--mqtt-port N | --broker URL --broker-accounts KIND]
                        [--broker-ca FILE] [--broker-cert FILE --broker-key FILE]
                        [--advertise-mqtt URL] [--data-dir DIR] [--host ADDR]
                        [--topic-prefix P] [--simulator URL] [--no-scheduler]
                        [--public-host H] [--public-url URL]
  --http-port N         REST API and dashboard port (default 8080; 0 picks a free one)
  --mqtt-port N         embedded broker port (default 1883; 0 picks a free one)
  --broker URL          use an external broker (mqtts://host:8883) instead of the embedded one;
                        user:pass@ in it is the cloud's own account, never handed to units
                        (without it: the account in DIR/broker-identity.json)
  --broker-accounts K   where broker accounts live: embedded (the default, embedded broker only),
                        mosquitto-dynsec (the cloud administers Mosquitto's dynamic-security
                        plugin) or managed-elsewhere (units get their identity from the operator)
  --broker-ca FILE      CA certificate to verify the external broker with
  --broker-cert FILE    client certificate the cloud presents to the broker (with --broker-key)
  --broker-key FILE     its private key
  --advertise-mqtt URL  the broker URL units are told to use (needed with --host 0.0.0.0 or ::)
  --data-dir DIR        SQLite file, signing key and broker identity (default .data/cloud)
  --host ADDR           interface to listen on (default 127.0.0.1)
  --topic-prefix P      MQTT topic prefix (default locker/v1)
  --simulator URL       simulator control API, for the dashboard's hardware buttons
  --no-scheduler        do not send reminders or expire parcels on a timer
  --public-url URL      the cloud's address as customers reach it (https://…): their status
                        page links start there (default: the listening address)
  --public-host H       further Host names the REST API answers to, comma-separated (name or
                        name:port); any other Host is refused with 421
API keys: npm run cloud -- keys create|list|revoke (npm run cloud -- keys for help)`;

const port = z.coerce.number().int().min(0).max(65535);
const file = z.string().min(1);

const ArgsSchema = z.strictObject({
  httpPort: port.default(8080),
  mqttPort: port.optional(),
  broker: z.string().optional(),
  brokerAccounts: z.enum(BROKER_ACCOUNT_KINDS).optional(),
  brokerCa: file.optional(),
  brokerCert: file.optional(),
  brokerKey: file.optional(),
  advertiseMqtt: z.string().optional(),
  dataDir: z.string().min(1).default('.data/cloud'),
  host: z.string().min(1).default('127.0.0.1'),
  topicPrefix: z
    .string()
    .regex(/^[^\s+#]+$/)
    .optional(),
  simulator: z.url().optional(),
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  scheduler: z.boolean().default(true),
  publicHost: z
    .string()
    .transform((list) => list.split(',').map((h) => h.trim().toLowerCase()))
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/,
            'expected a host name or address, optionally with :port',
          ),
      ),
    )
    .optional(),
});

/** The options, with any credentials of `--broker` taken out of its URL. */
export type CloudArgs = Omit<z.output<typeof ArgsSchema>, 'broker'> & {
  /** The external broker's URL, without userinfo. */
  broker?: string;
  /** The cloud's own account, when the --broker URL carried one. */
  brokerCredentials?: { username: string; password: string };
};

const FLAGS: Record<string, string> = {
  '--http-port': 'httpPort',
  '--mqtt-port': 'mqttPort',
  '--broker': 'broker',
  '--broker-accounts': 'brokerAccounts',
  '--broker-ca': 'brokerCa',
  '--broker-cert': 'brokerCert',
  '--broker-key': 'brokerKey',
  '--advertise-mqtt': 'advertiseMqtt',
  '--data-dir': 'dataDir',
  '--host': 'host',
  '--topic-prefix': 'topicPrefix',
  '--simulator': 'simulator',
  '--public-host': 'publicHost',
  '--public-url': 'publicUrl',
};

export function parseArgs(
  argv: readonly string[],
): { ok: true; args: CloudArgs } | { ok: false; error: string } {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--no-scheduler') {
      raw['scheduler'] = false;
      continue;
    }
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s) : [flag, undefined];
    const key = FLAGS[name!];
    if (!key) return { ok: false, error: `unknown option ${flag}` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { ok: false, error: `${name} needs a value` };
    raw[key] = value;
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  return combine(parsed.data);
}

/** The checks that span options; the broker URL loses its credentials here. */
function combine(
  a: z.output<typeof ArgsSchema>,
): { ok: true; args: CloudArgs } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  const { broker, ...rest } = a;
  if (broker !== undefined && a.mqttPort !== undefined)
    return fail('--mqtt-port and --broker exclude each other');
  const external = broker !== undefined;
  if (external && a.brokerAccounts === undefined)
    return fail('--broker needs --broker-accounts mosquitto-dynsec or managed-elsewhere');
  const accountsProblem = brokerAccountsProblem(a.brokerAccounts ?? 'embedded', external);
  if (accountsProblem) return fail(`--broker-accounts: ${accountsProblem}`);
  if (!external && (a.brokerCa || a.brokerCert || a.brokerKey))
    return fail(
      '--broker-ca, --broker-cert and --broker-key are for an external broker (--broker)',
    );
  if ((a.brokerCert === undefined) !== (a.brokerKey === undefined))
    return fail('--broker-cert and --broker-key go together');
  if (a.advertiseMqtt !== undefined) {
    const problem = advertisedUrlProblem(a.advertiseMqtt);
    if (problem) return fail(`--advertise-mqtt: ${problem}`);
  }
  if (!external && isUnspecifiedHost(a.host) && a.advertiseMqtt === undefined)
    return fail(
      `--host ${a.host} listens on every interface, which no unit can connect to: say where units should connect with --advertise-mqtt URL`,
    );
  if (!external) return { ok: true, args: rest };
  const split = splitBrokerUrl(broker);
  if (!split.ok) return fail(`--broker: ${split.error}`);
  return {
    ok: true,
    args: {
      ...rest,
      broker: split.value.url,
      ...(split.value.credentials ? { brokerCredentials: split.value.credentials } : {}),
    },
  };
}
