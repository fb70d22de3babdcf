/**
 * The dashboard at `/`: a public page shell that holds no data, and a little vanilla JS that
 * asks for an API key, then reads the JSON API with it for alerts, lockers, compartments,
 * parcels and the inbox, redrawn live on each event of the selected locker's status stream
 * (Server-Sent Events) and every 30 s for the rest, offers forms that create parcels, returns and badges through the same
 * API (dashboardForms.ts), and — when a simulator control URL is configured — drives the
 * hardware simulators through a same-origin proxy that wants an operator key too.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DASHBOARD_CSS, DASHBOARD_JS } from './dashboardAssets';
import { CREATE_PANEL } from './dashboardForms';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const lockAddress = z.strictObject({
  board: z.number().int().min(0),
  lock: z.number().int().min(1),
});

const SIM_ROUTES = {
  'doors/close': lockAddress,
  /** A door that opens with no unlock: a latch that gave way, a forced door. */
  'doors/open': lockAddress,
  items: z.strictObject({
    board: z.number().int().min(0),
    lock: z.number().int().min(1),
    present: z.boolean(),
  }),
  scan: z.strictObject({ text: z.string().min(1).max(4096) }),
} as const;

export interface DashboardOptions {
  simulatorUrl?: string;
}

// The shell and its assets are public; what fills them comes from the key-checked API.
const PUBLIC = { config: { access: 'public' } } as const;
// Reading the simulator is a read; driving it (doors, items, scans) is an operator's act.
const SIM_READ = { config: { access: ['operator', 'dashboard'] } } as const;
const SIM_DRIVE = { config: { access: ['operator'] } } as const;

export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const { simulatorUrl } = options;
  app.get('/', PUBLIC, async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    return page(simulatorUrl);
  });
  app.get('/dashboard.js', PUBLIC, async (_request, reply) => {
    reply.type('text/javascript; charset=utf-8');
    return DASHBOARD_JS;
  });
  app.get('/dashboard.css', PUBLIC, async (_request, reply) => {
    reply.type('text/css; charset=utf-8');
    return DASHBOARD_CSS;
  });

  // The simulator's control server does not speak CORS; the page reaches it through here.
  app.get('/dev/simulator/state', SIM_READ, async (_request, reply) => {
    if (!simulatorUrl) return reply.status(404).send({ error: 'no_simulator' });
    return forward(reply, `${simulatorUrl}/state`, undefined);
  });
  app.post<{ Params: { action: string } }>(
    '/dev/simulator/*',
    SIM_DRIVE,
    async (request, reply) => {
      if (!simulatorUrl) return reply.status(404).send({ error: 'no_simulator' });
      const action = (request.params as Record<string, string>)['*'] ?? '';
      if (!(action in SIM_ROUTES))
        return reply
          .status(404)
          .send({ error: 'not_found', message: `no simulator action ${action}` });
      const parsed = SIM_ROUTES[action as keyof typeof SIM_ROUTES].safeParse(request.body);
      if (!parsed.success)
        return reply.status(400).send({
          error: 'invalid_request',
          problems: parsed.error.issues.map((i) => ({
            path: ['body', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        });
      return forward(reply, `${simulatorUrl}/${action}`, parsed.data);
    },
  );
}

async function forward(
  reply: { status(code: number): { send(body: unknown): unknown } },
  url: string,
  body: unknown,
): Promise<unknown> {
  try {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    return reply.status(response.status).send(await response.json());
  } catch (e) {
    return reply
      .status(502)
      .send({ error: 'simulator_unreachable', message: (e as Error).message });
  }
}

/** Asks for the key; the script hides it once a key is in use and brings it back on a 401. */
const KEY_PANEL = `<section class="panel key-panel" id="key-panel" aria-labelledby="key-title" hidden>
    <div class="panel-head"><h2 id="key-title">API key</h2></div>
    <p class="muted">The dashboard reads the cloud's API with a key: a <strong>dashboard</strong> key
    (read-only) or an <strong>operator</strong> key (also the notification inbox, acknowledgements and
    the simulator). Make one with <code>npm run cloud -- keys create --role dashboard --label …</code>.
    It is kept in this browser tab only.</p>
    <form id="key-form" class="inline-form">
      <label for="api-key">API key</label>
      <input id="api-key" name="key" type="password" autocomplete="off" spellcheck="false" required placeholder="plk_…">
      <button type="submit">Use key</button>
    </form>
    <p id="key-message" class="error" role="alert"></p>
  </section>`;

const ALERTS_PANEL = `<section class="panel alerts-panel" id="alerts-panel" aria-labelledby="alerts-title">
    <div class="panel-head"><h2 id="alerts-title">Open alerts</h2><span id="alerts-count" class="muted"></span></div>
    <div id="alerts" aria-live="polite"><p class="muted">Loading…</p></div>
  </section>`;

function page(simulatorUrl: string | undefined): string {
  const sim = simulatorUrl
    ? `<section class="panel" id="simulator" aria-labelledby="sim-title">
        <div class="panel-head"><h2 id="sim-title">Hardware simulator</h2>
        <span class="muted">${escape(simulatorUrl)}</span></div>
        <form id="scan-form" class="inline-form">
          <label for="scan-text">Scan a code</label>
          <input id="scan-text" name="text" autocomplete="off" placeholder="LKP1:123456 or a badge">
          <button type="submit">Scan</button>
        </form>
        <div id="sim-boards" class="sim-boards"><p class="muted">Loading simulator state…</p></div>
      </section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parcel lockers — cloud-mock</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body>
<header class="top">
  <div><h1>Parcel lockers</h1><p class="muted">Development cloud · <a href="/openapi.json">OpenAPI</a></p></div>
  <div class="top-right"><p id="updated" class="muted" aria-live="polite"></p>
  <button id="forget-key" type="button" class="secondary" hidden>Forget key</button></div>
</header>
<main>
  ${KEY_PANEL}
  <div id="content" class="content" hidden>
  ${ALERTS_PANEL}
  <section class="panel" aria-labelledby="lockers-title">
    <div class="panel-head"><h2 id="lockers-title">Lockers</h2></div>
    <div id="lockers" class="lockers"><p class="muted">Loading…</p></div>
  </section>
  <section class="panel" id="detail" aria-labelledby="detail-title" hidden>
    <div class="panel-head"><h2 id="detail-title">Locker</h2><span id="detail-meta" class="muted"></span></div>
    <ul class="legend" aria-label="Compartment states">
      <li><span class="swatch available"></span>available</li>
      <li><span class="swatch reserved"></span>reserved</li>
      <li><span class="swatch occupied"></span>occupied</li>
      <li><span class="swatch out_of_service"></span>out of service</li>
    </ul>
    <div id="grid" class="grid"></div>
    <h3>Parcels</h3>
    <div class="table-wrap"><table id="parcels"><thead><tr>
      <th scope="col">Parcel</th><th scope="col">Barcode</th><th scope="col">State</th>
      <th scope="col">Size</th><th scope="col">Compartment</th><th scope="col">Expires</th>
    </tr></thead><tbody></tbody></table></div>
  </section>
  ${CREATE_PANEL}
  ${sim}
  <section class="panel" aria-labelledby="inbox-title">
    <div class="panel-head"><h2 id="inbox-title">Notification inbox</h2>
    <span class="muted">stand-in for SMS and e-mail</span></div>
    <ol id="inbox" class="inbox"><li class="muted">Loading…</li></ol>
  </section>
  </div>
</main>
<script src="/dashboard.js" type="module"></script>
</body>
</html>`;
}
