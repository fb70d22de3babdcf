/**
 * The customer's status page, `/p/{allocationId}?t={token}`: where the parcel is, the locker's
 * address and whether it is online, the code and QR while the parcel waits, updated live over
 * Server-Sent Events of that parcel alone (`/p/{id}/stream`), and "send my code again". Public
 * routes behind the Host check; the token in the link is the credential: a wrong or missing one
 * answers the same 404 as an unknown id, and the token never reaches the log (routes are logged
 * by pattern) nor another site (no-referrer).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { CloudContext } from '../services/context';
import { CUSTOMER_WORDS } from '../services/customerWords';
import type { CustomerView, LiveStatus } from '../services/liveStatus';
import { lockerStatusEventsBetween } from '../store/statusEvents';
import type { CloudParcel } from '../store/parcels';
import { resumeAfter, sendEventStream } from './eventStream';
import { STATUS_PAGE_JS } from './statusPageScript';

const PUBLIC = { config: { access: 'public' } } as const;
const Params = z.object({ id: z.uuid() });
const Query = z.object({
  t: z.string().max(64).optional(),
  after: z.coerce.number().int().min(0).optional(),
});
const PAGE = 200;

const HEADERS = {
  'cache-control': 'no-store',
  // The link's token must not leave with a click or a subresource.
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerStatusPage(
  app: FastifyInstance,
  ctx: CloudContext,
  live: LiveStatus,
): void {
  /** The parcel the link names, or null (bad id, wrong token, no such allocation: all alike). */
  const parcelOf = (request: FastifyRequest): CloudParcel | null => {
    const params = Params.safeParse(request.params);
    const query = Query.safeParse(request.query);
    const token = query.success ? query.data.t : undefined;
    // An id that is not even a UUID is still checked like one, so nothing answers faster.
    const parcel = live.parcelFor(params.success ? params.data.id : 'invalid', token);
    if (!params.success || !parcel) {
      ctx.log.info({ route: request.routeOptions.url }, 'status page refused: unknown link');
      return null;
    }
    return parcel;
  };
  const notFound = (reply: FastifyReply) =>
    reply.status(404).headers(HEADERS).send({ error: 'not_found', message: 'no such parcel' });

  app.get('/p/:id', PUBLIC, async (request, reply) => {
    const parcel = parcelOf(request);
    if (!parcel) return notFound(reply);
    const view = live.customerView(parcel);
    return reply
      .headers(HEADERS)
      .type('text/html; charset=utf-8')
      .send(await page(view));
  });

  app.get('/p/:id/status', PUBLIC, async (request, reply) => {
    const parcel = parcelOf(request);
    if (!parcel) return notFound(reply);
    const view = live.customerView(parcel);
    return reply.headers(HEADERS).send({ ...view, qrImage: await qrImage(view.qrPayload) });
  });

  app.get('/p/:id/stream', PUBLIC, async (request, reply) => {
    const parcel = parcelOf(request);
    if (!parcel) return notFound(reply);
    const query = Query.parse(request.query);
    const after = resumeAfter(request, query.after, live.feed.durableId);
    sendEventStream(
      request,
      reply,
      live.feed,
      after,
      (from, upTo) => {
        const all = lockerStatusEventsBetween(ctx.db, parcel.lockerId, from, upTo, PAGE);
        const events = all.flatMap((e) => live.forCustomer(parcel, e) ?? []);
        return { events, scannedTo: all.length < PAGE ? upTo : all.at(-1)!.id };
      },
      live.heartbeatMs,
    );
  });

  app.post('/p/:id/resend', PUBLIC, async (request, reply) => {
    const parcel = parcelOf(request);
    if (!parcel) return notFound(reply);
    const sent = live.resendCode(parcel.allocationId, null);
    if (sent.ok) return reply.headers(HEADERS).send(sent.value);
    return reply
      .status(sent.error.status)
      .headers(HEADERS)
      .send({ error: sent.error.error, message: sent.error.message });
  });

  app.get('/p/status.js', PUBLIC, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(STATUS_PAGE_JS),
  );
}

async function qrImage(payload: string | null): Promise<string | null> {
  if (payload === null) return null;
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

async function page(view: CustomerView): Promise<string> {
  const w = CUSTOMER_WORDS[view.language].page;
  const qr = await qrImage(view.qrPayload);
  const online =
    view.locker.online === null
      ? ''
      : view.locker.online
        ? w.online
        : `${w.offline} · ${w.worksOffline}`;
  return `<!doctype html>
<html lang="${view.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(w.title)}</title>
<style>
body { font: 16px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 32rem; padding: 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; } .state { font-size: 1.2rem; font-weight: 700; }
.code { font: 700 2rem/1.2 ui-monospace, monospace; letter-spacing: 0.15em; }
.muted { color: #555; } img.qr { width: 12rem; height: 12rem; image-rendering: pixelated; }
button { font: inherit; padding: 0.6rem 1rem; }
</style>
</head>
<body data-state="${view.state}" data-last-event="${view.lastEventId}">
<main>
<h1>${escape(w.title)} <span class="muted">${escape(view.trackingBarcode ?? '')}</span></h1>
<p class="state" id="state" data-testid="parcel-state">${escape(w.states[view.state] ?? view.state)}</p>
<section aria-labelledby="where">
<h2 id="where">${escape(w.where)}</h2>
<p><strong id="locker-name">${escape(view.locker.name)}</strong><br><span id="locker-address">${escape(view.locker.address)}</span></p>
<p id="locker-online" data-testid="locker-online">${escape(online)}</p>
</section>
<section id="pickup" ${view.pickupCode === null ? 'hidden' : ''}>
<h2>${escape(w.code)}</h2>
<p class="code" id="code" data-testid="pickup-code">${escape(view.pickupCode ?? '')}</p>
<p class="muted">${escape(w.qr)}</p>
<img class="qr" id="qr" alt="QR" ${qr === null ? '' : `src="${qr}"`}>
<p>${escape(w.until)}: <time id="expires" datetime="${escape(view.expiresAt ?? '')}">${escape(view.expiresAt ?? '')}</time></p>
<p><button type="button" id="resend">${escape(w.resend)}</button> <span id="resend-note" role="status"></span></p>
</section>
</main>
<script id="words" type="application/json">${JSON.stringify(w).replace(/</g, '\\u003c')}</script>
<script src="/p/status.js"></script>
</body>
</html>`;
}
