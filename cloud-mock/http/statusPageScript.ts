/**
 * The status page's script: follows the parcel's Server-Sent Events stream (EventSource resumes
 * with Last-Event-ID by itself) and redraws from the parcel's status on each event.
 */
import { STATUS_EVENT_TYPES } from '../../src/shared/rest/statusEvents';

export const STATUS_PAGE_JS = `
const words = JSON.parse(document.getElementById('words').textContent);
const id = location.pathname.split('/')[2];
const token = new URLSearchParams(location.search).get('t') || '';
const q = '?t=' + encodeURIComponent(token);
const $ = (x) => document.getElementById(x);

async function redraw() {
  const response = await fetch('/p/' + id + '/status' + q, { cache: 'no-store' });
  if (!response.ok) return;
  const view = await response.json();
  document.body.dataset.state = view.state;
  document.body.dataset.lastEvent = String(view.lastEventId);
  $('state').textContent = words.states[view.state] || view.state;
  $('locker-online').textContent = view.locker.online === null ? '' :
    view.locker.online ? words.online : words.offline + ' · ' + words.worksOffline;
  $('pickup').hidden = view.pickupCode === null;
  $('code').textContent = view.pickupCode || '';
  if (view.qrImage) $('qr').src = view.qrImage; else $('qr').removeAttribute('src');
  $('expires').setAttribute('datetime', view.expiresAt || '');
  showDeadline();
}

// The deadline in the reader's own time zone and words.
function showDeadline() {
  const at = $('expires').getAttribute('datetime');
  $('expires').textContent = at
    ? new Date(at).toLocaleString(document.documentElement.lang, { dateStyle: 'full', timeStyle: 'short' })
    : '';
}
showDeadline();

const stream = new EventSource('/p/' + id + '/stream' + q + '&after=' + document.body.dataset.lastEvent);
for (const type of ${JSON.stringify(STATUS_EVENT_TYPES)}) stream.addEventListener(type, () => { redraw(); });

$('resend').addEventListener('click', async () => {
  const response = await fetch('/p/' + id + '/resend' + q, { method: 'POST' });
  $('resend-note').textContent = response.ok ? words.resent : words.tooMany;
});
`;
