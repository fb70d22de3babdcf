/**
 * The dashboard at `/`: server-rendered HTML with the open operator alerts and the lockers, a
 * little vanilla JS that polls the JSON API for alerts, compartments, parcels and the inbox,
 * and — when a simulator control URL is configured — controls that reach the hardware
 * simulators through a same-origin proxy. Everything from a unit or an operator is escaped.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LockerSummary } from '../../src/shared/rest/schemas';
import type { Alert } from '../../src/shared/rest/schemas';
import { ALERT_LABELS, DASHBOARD_CSS, DASHBOARD_JS } from './dashboardAssets';

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
  /** The lockers rendered into the first page load (the script keeps them fresh). */
  lockers: () => LockerSummary[];
  /** One locker's open alerts, newest first. */
  openAlerts: (lockerId: string) => Alert[];
}

export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const { simulatorUrl } = options;
  app.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    const lockers = options.lockers();
    const alerts = new Map(lockers.map((l) => [l.id, options.openAlerts(l.id)]));
    return page(simulatorUrl, lockers, alerts);
  });
  app.get('/dashboard.js', async (_request, reply) => {
    reply.type('text/javascript; charset=utf-8');
    return DASHBOARD_JS;
  });
  app.get('/dashboard.css', async (_request, reply) => {
    reply.type('text/css; charset=utf-8');
    return DASHBOARD_CSS;
  });

  // The simulator's control server does not speak CORS; the page reaches it through here.
  app.get('/dev/simulator/state', async (_request, reply) => {
    if (!simulatorUrl) return reply.status(404).send({ error: 'no_simulator' });
    return forward(reply, `${simulatorUrl}/state`, undefined);
  });
  app.post<{ Params: { action: string } }>('/dev/simulator/*', async (request, reply) => {
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
  });
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

function lockerCards(lockers: LockerSummary[], alerts: Map<string, Alert[]>): string {
  if (lockers.length === 0)
    return '<p class="muted">No lockers yet: provision one with POST /api/v1/lockers.</p>';
  return lockers
    .map((l) => {
      const sizes = Object.entries(l.availability)
        .map(([size, n]) => `<span>${size} ${n}</span>`)
        .join('');
      const open = alerts.get(l.id)?.length ?? 0;
      const pill = open === 0 ? '' : `<span class="pill alerting">${alertCount(open)}</span>`;
      return `<button class="locker" type="button" aria-pressed="false">
        <span class="name">${escape(l.name)}<span class="pill ${l.presence.status}">${l.presence.status}</span>${pill}</span>
        <div class="muted">${escape(l.id)} · ${escape(l.address)}</div>
        <div class="avail" aria-label="free by size">${sizes}</div></button>`;
    })
    .join('\n');
}

const alertCount = (n: number) => `${n} open alert${n === 1 ? '' : 's'}`;

function alertItem(a: Alert): string {
  const acknowledged = a.acknowledged ? ` · acknowledged by ${escape(a.acknowledged.by)}` : '';
  return `<li class="alert ${escape(a.kind)}">
    <div class="alert-title"><strong>${ALERT_LABELS[a.kind]}</strong> · compartment ${escape(a.compartmentId)}</div>
    <p>${escape(a.detail)}</p>
    <div class="muted">raised ${escape(a.raisedAt)} · event ${a.seq}${acknowledged}</div></li>`;
}

/** Open alerts, grouped per locker, at the top of the page. */
function alertsPanel(lockers: LockerSummary[], alerts: Map<string, Alert[]>): string {
  const groups = lockers.filter((l) => (alerts.get(l.id)?.length ?? 0) > 0);
  const total = groups.reduce((n, l) => n + alerts.get(l.id)!.length, 0);
  const body =
    groups.length === 0
      ? '<p class="muted">No open alerts.</p>'
      : groups
          .map(
            (
              l,
            ) => `<div class="alert-group"><h3>${escape(l.name)} <span class="muted">${escape(l.id)}</span></h3>
      <ul class="alerts">${alerts.get(l.id)!.map(alertItem).join('')}</ul></div>`,
          )
          .join('\n');
  return `<section class="panel alerts-panel" id="alerts-panel" aria-labelledby="alerts-title">
    <div class="panel-head"><h2 id="alerts-title">Open alerts</h2><span id="alerts-count" class="muted">${alertCount(total)}</span></div>
    <div id="alerts" aria-live="polite">${body}</div>
  </section>`;
}

function page(
  simulatorUrl: string | undefined,
  lockers: LockerSummary[],
  alerts: Map<string, Alert[]>,
): string {
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
  <p id="updated" class="muted" aria-live="polite"></p>
</header>
<main>
  ${alertsPanel(lockers, alerts)}
  <section class="panel" aria-labelledby="lockers-title">
    <div class="panel-head"><h2 id="lockers-title">Lockers</h2></div>
    <div id="lockers" class="lockers">${lockerCards(lockers, alerts)}</div>
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
  ${sim}
  <section class="panel" aria-labelledby="inbox-title">
    <div class="panel-head"><h2 id="inbox-title">Notification inbox</h2>
    <span class="muted">stand-in for SMS and e-mail</span></div>
    <ol id="inbox" class="inbox"><li class="muted">Loading…</li></ol>
  </section>
</main>
<script src="/dashboard.js" type="module"></script>
</body>
</html>`;
}
