/** Command-line options of `npm run cloud`, checked with a clear message for each mistake. */
import { z } from 'zod';

export const USAGE = `usage: npm run cloud -- [--http-port N] [--mqtt-port N | --broker URL] [--data-dir DIR]
                        [--host ADDR] [--topic-prefix P] [--simulator URL] [--no-scheduler]
  --http-port N     REST API and dashboard port (default 8080; 0 picks a free one)
  --mqtt-port N     embedded broker port (default 1883; 0 picks a free one)
  --broker URL      use an external broker (mqtt://host:port) instead of the embedded one
  --data-dir DIR    SQLite file and signing key (default .data/cloud)
  --host ADDR       interface to listen on (default 127.0.0.1)
  --topic-prefix P  MQTT topic prefix (default locker/v1)
  --simulator URL   simulator control API, for the dashboard's hardware buttons
  --no-scheduler    do not send reminders or expire parcels on a timer
  --public-host H   further Host names the REST API answers to, comma-separated (name or
                    name:port); any other Host is refused with 421
API keys: npm run cloud -- keys create|list|revoke (npm run cloud -- keys for help)`;

const port = z.coerce.number().int().min(0).max(65535);

const ArgsSchema = z
  .strictObject({
    httpPort: port.default(8080),
    mqttPort: port.optional(),
    broker: z
      .string()
      .regex(/^mqtts?:\/\/[^\s]+$/, 'expected mqtt://host:port')
      .optional(),
    dataDir: z.string().min(1).default('.data/cloud'),
    host: z.string().min(1).default('127.0.0.1'),
    topicPrefix: z
      .string()
      .regex(/^[^\s+#]+$/)
      .optional(),
    simulator: z.url().optional(),
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
  })
  .refine((a) => !(a.broker && a.mqttPort !== undefined), {
    message: '--mqtt-port and --broker exclude each other',
    path: ['broker'],
  });
export type CloudArgs = z.output<typeof ArgsSchema>;

const FLAGS: Record<string, string> = {
  '--http-port': 'httpPort',
  '--mqtt-port': 'mqttPort',
  '--broker': 'broker',
  '--data-dir': 'dataDir',
  '--host': 'host',
  '--topic-prefix': 'topicPrefix',
  '--simulator': 'simulator',
  '--public-host': 'publicHost',
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
  return { ok: true, args: parsed.data };
}
