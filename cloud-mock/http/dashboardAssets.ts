/** The dashboard's stylesheet and script, served as static text (no build step, no framework). */
import type { AlertKind } from '../../src/shared/rest/schemas';
import { FORMS_CSS, FORMS_JS } from './dashboardForms';

/** How each alert kind reads on the dashboard (the page and its script share these words). */
export const ALERT_LABELS: Record<AlertKind, string> = {
  jammed: 'Door jammed',
  opened_unexpectedly: 'Door opened unexpectedly',
  outcome_unknown: 'Door outcome unknown',
  inspection: 'Inspection needed',
  foreign_item: 'Unexpected item inside',
  throttled: 'Keypad throttle engaged',
  code_rejections: 'Many wrong codes',
  hardware_fault: 'Hardware fault',
  clock_skew: 'Clock skew',
  chain_break: 'Event chain broken',
  offline: 'Offline too long',
  storage_low: 'Disk nearly full',
};

// Colours checked for WCAG AA: text on its background ≥ 4.5:1 (e.g. #1f2933 on #fff 14.7:1,
// #52606d on #fff 6.4:1, white on #0b6e4f 6.4:1, #7a4b00 on #fff4d6 6.9:1).
export const DASHBOARD_CSS = `
:root {
  --bg: #f5f7fa; --panel: #ffffff; --text: #1f2933; --muted: #52606d; --line: #d9e2ec;
  --accent: #0b5cad; --ok: #0b6e4f; --warn-bg: #fff4d6; --warn: #7a4b00;
  --avail-bg: #e3f9e5; --avail: #0b5a2e; --res-bg: #fff4d6; --res: #7a4b00;
  --occ-bg: #dceefb; --occ: #0b4a8b; --oos-bg: #ffe3e3; --oos: #8a1c1c;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 1rem;
  padding: 1.25rem 2rem; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 1.5rem; letter-spacing: -0.01em; }
h2 { margin: 0; font-size: 1.1rem; }
h3 { margin: 1.5rem 0 0.5rem; font-size: 1rem; }
.muted { color: var(--muted); margin: 0; font-size: 0.9rem; }
main, .content { display: grid; gap: 1.25rem; }
main { padding: 1.25rem 2rem 3rem; max-width: 1200px; margin: 0 auto; }
.top-right { display: flex; gap: 1rem; align-items: center; }
.key-panel p { margin: 0 0 1rem; }
code { font: 0.85rem ui-monospace, "SFMono-Regular", Menlo, monospace; background: var(--bg); padding: 0 0.25rem; border-radius: 3px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1.25rem; }
.panel-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; margin-bottom: 1rem; }
.lockers { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 0.75rem; }
.locker { display: flex; flex-direction: column; justify-content: flex-start; gap: 0.1rem; text-align: left; font: inherit; color: inherit; background: var(--panel); cursor: pointer;
  border: 1px solid var(--line); border-radius: 8px; padding: 0.85rem 1rem; }
.locker:hover, .locker:focus-visible { border-color: var(--accent); outline: none; box-shadow: 0 0 0 3px #0b5cad33; }
.locker[aria-pressed="true"] { border-color: var(--accent); border-width: 2px; }
.locker .name { font-weight: 600; display: flex; justify-content: space-between; gap: 0.5rem; }
.pill { display: inline-block; flex: none; align-self: flex-start; white-space: nowrap; padding: 0 0.5rem;
  border-radius: 999px; font-size: 0.8rem; font-weight: 600; line-height: 1.6; }
.pill.online { background: var(--avail-bg); color: var(--avail); }
.pill.offline { background: var(--oos-bg); color: var(--oos); }
.pill.unknown { background: #e4e7eb; color: #3e4c59; }
.pill.flagged { background: var(--oos); color: #fff; }
.avail { display: flex; gap: 0.75rem; margin-top: 0.4rem; font-variant-numeric: tabular-nums; }
.legend { display: flex; gap: 1rem; list-style: none; padding: 0; margin: 0 0 0.75rem; font-size: 0.85rem; color: var(--muted); }
.swatch { display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 3px; margin-right: 0.35rem; vertical-align: -2px; border: 1px solid #0002; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 0.5rem; }
.cell { border-radius: 8px; padding: 0.6rem; min-height: 84px; border: 1px solid #0001; }
.cell .id { font-weight: 700; }
.cell .meta { font-size: 0.8rem; }
.available, .swatch.available { background: var(--avail-bg); color: var(--avail); }
.reserved, .swatch.reserved { background: var(--res-bg); color: var(--res); }
.occupied, .swatch.occupied { background: var(--occ-bg); color: var(--occ); }
.out_of_service, .swatch.out_of_service { background: var(--oos-bg); color: var(--oos); }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; }
.inbox { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem; }
.inbox li { border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem 0.9rem; }
.inbox .subject { font-weight: 600; }
.code { font: 600 1.1rem/1.2 ui-monospace, "SFMono-Regular", Menlo, monospace; letter-spacing: 0.12em;
  background: var(--warn-bg); color: var(--warn); padding: 0.1rem 0.4rem; border-radius: 4px; }
button { font: inherit; font-weight: 600; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; padding: 0.3rem 0.75rem; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button:focus-visible, input:focus-visible { outline: 3px solid #0b5cad66; outline-offset: 1px; }
.inline-form { display: flex; gap: 0.5rem; align-items: center; margin-bottom: 1rem; flex-wrap: wrap; }
input { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid #9aa5b1; border-radius: 6px; min-width: 16rem; }
.sim-boards { display: grid; gap: 0.75rem; }
.sim-locks { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); column-gap: 1.5rem; }
.sim-lock { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; padding: 0.35rem 0; border-bottom: 1px solid var(--line); }
.sim-lock .label { min-width: 12.5rem; font-variant-numeric: tabular-nums; }
.sim-lock button { font-size: 0.85rem; padding: 0.2rem 0.6rem; }
.error { color: var(--oos); }
.alerts-panel { border-left: 6px solid var(--oos); }
.alert-group h3 { margin: 0.25rem 0 0.5rem; }
.alerts { list-style: none; margin: 0 0 0.75rem; padding: 0; display: grid; gap: 0.5rem; }
.alert { border: 1px solid #e8b4b4; background: var(--oos-bg); color: var(--text); border-radius: 8px; padding: 0.6rem 0.9rem; }
.alert .alert-title { color: var(--oos); }
.alert p { margin: 0.2rem 0; }
.alert.acknowledged { background: var(--panel); }
.alert button { margin-top: 0.35rem; font-size: 0.85rem; padding: 0.2rem 0.6rem; }
.pill.alerting { background: var(--oos); color: #fff; }
.cell.has-alert { outline: 3px solid var(--oos); outline-offset: -3px; }
.cell .alert-note { font-size: 0.8rem; font-weight: 700; color: var(--oos); }
${FORMS_CSS}`;

export const DASHBOARD_JS = `
const ALERT_LABELS = ${JSON.stringify(ALERT_LABELS)};
const $ = (id) => document.getElementById(id);
let selected = new URLSearchParams(location.search).get('locker');
// The API key lives in this tab's sessionStorage: gone when the tab closes, never in a cookie.
const KEY_ITEM = 'cloud-mock.apiKey';
let apiKey = sessionStorage.getItem(KEY_ITEM);

class Unauthorized extends Error {}
class Forbidden extends Error {}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return node;
}

async function getJson(url, init = {}) {
  const headers = { ...(init.headers || {}), authorization: 'Bearer ' + apiKey };
  const response = await fetch(url, { ...init, headers });
  const body = await response.json().catch(() => ({}));
  const message = body.message || body.error || response.statusText;
  if (response.status === 401) throw new Unauthorized(message);
  if (response.status === 403) throw new Forbidden(message);
  if (!response.ok) throw new Error(message);
  return body;
}

function askForKey(message) {
  stopFollowing();
  apiKey = null;
  sessionStorage.removeItem(KEY_ITEM);
  $('content').hidden = true;
  $('forget-key').hidden = true;
  $('key-panel').hidden = false;
  $('key-message').textContent = message;
  $('updated').textContent = '';
  $('api-key').value = '';
  $('api-key').focus();
}

function useKey(key) {
  apiKey = key;
  sessionStorage.setItem(KEY_ITEM, key);
  $('key-panel').hidden = true;
  $('content').hidden = false;
  $('forget-key').hidden = false;
  return refresh();
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

const alertCount = (n) => n + ' open alert' + (n === 1 ? '' : 's');

function renderLockers(lockers, alerts) {
  const box = $('lockers');
  if (lockers.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No lockers yet: provision one with POST /api/v1/lockers.'));
    return;
  }
  box.replaceChildren(...lockers.map((l) => {
    const presence = el('span', { class: 'pill ' + l.presence.status }, l.presence.status);
    const name = el('span', { class: 'name' }, l.name, presence);
    if (l.flagged) name.append(el('span', { class: 'pill flagged' }, 'chain flagged'));
    const open = (alerts.get(l.id) || []).length;
    if (open > 0) name.append(el('span', { class: 'pill alerting' }, alertCount(open)));
    const avail = el('div', { class: 'avail', 'aria-label': 'free by size' },
      ...Object.entries(l.availability).map(([s, n]) => el('span', {}, s + ' ' + n)));
    return el('button', {
      class: 'locker', type: 'button', 'aria-pressed': String(l.id === selected),
      onclick: () => { selected = l.id; history.replaceState(null, '', '?locker=' + encodeURIComponent(l.id)); refresh(); },
    }, name, el('div', { class: 'muted' }, l.id + ' · ' + l.address), avail,
       el('div', { class: 'muted' }, l.enrolled ? 'enrolled' : 'not enrolled'));
  }));
}

async function acknowledge(a) {
  try {
    await getJson('/api/v1/lockers/' + encodeURIComponent(a.lockerId) + '/alerts/' + a.id + '/acknowledge',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'dashboard' }) });
    await refresh();
  } catch (e) {
    if (e instanceof Unauthorized) return askForKey('The cloud no longer accepts this key; enter another.');
    alert('Acknowledge: ' + (e instanceof Forbidden ? 'acknowledging needs an operator key' : e.message));
  }
}

function renderAlerts(lockers, alerts) {
  const groups = lockers.filter((l) => (alerts.get(l.id) || []).length > 0);
  const total = groups.reduce((n, l) => n + alerts.get(l.id).length, 0);
  $('alerts-count').textContent = alertCount(total);
  $('alerts').replaceChildren(...(groups.length ? groups.map((l) => el('div', { class: 'alert-group' },
    el('h3', {}, l.name + ' ', el('span', { class: 'muted' }, l.id)),
    el('ul', { class: 'alerts' }, ...alerts.get(l.id).map((a) => el('li', { class: 'alert ' + a.kind + (a.acknowledged ? ' acknowledged' : '') },
      el('div', { class: 'alert-title' }, el('strong', {}, ALERT_LABELS[a.kind] || a.kind),
        a.compartmentId === null ? ' · whole locker' : ' · compartment ' + a.compartmentId),
      el('p', {}, a.detail),
      el('div', { class: 'muted' }, 'raised ' + when(a.raisedAt) +
        (a.seq === null ? ' · seen by the cloud' : ' · event ' + a.seq) +
        (a.endsAt ? ' · ends ' + when(a.endsAt) + ' unless renewed' : '') +
        (a.acknowledged ? ' · acknowledged by ' + a.acknowledged.by + ' ' + when(a.acknowledged.at) : '')),
      a.acknowledged ? '' : el('button', { type: 'button', class: 'secondary', onclick: () => acknowledge(a) }, 'Acknowledge')))))) :
    [el('p', { class: 'muted' }, 'No open alerts.')]));
}

function renderDetail(d, alerts) {
  $('detail').hidden = false;
  $('detail-title').textContent = d.name;
  $('detail-meta').textContent = d.id + ' · ' + d.presence.status + (d.snapshot ? ' · snapshot seq ' + d.snapshot.seq : '');
  $('grid').replaceChildren(...d.compartments.map((c) => {
    const mine = alerts.filter((a) => a.compartmentId === c.id);
    return el('div', { class: 'cell ' + c.state + (mine.length ? ' has-alert' : '') },
      el('div', { class: 'id' }, c.id + ' · ' + c.size),
      el('div', { class: 'meta' }, c.state.replaceAll('_', ' ')),
      el('div', { class: 'meta' }, c.doorOpen ? 'door open' : c.doorOpen === false ? 'door closed' : ''),
      el('div', { class: 'meta' }, c.parcelId || c.returnId || ''),
      ...mine.map((a) => el('div', { class: 'alert-note' }, '⚠ ' + (ALERT_LABELS[a.kind] || a.kind))));
  }));
  const rows = d.parcels.map((p) => el('tr', {},
    el('td', {}, p.parcelId), el('td', {}, p.trackingBarcode), el('td', {}, p.state.replaceAll('_', ' ')),
    el('td', {}, p.size || '—'), el('td', {}, p.compartmentId || '—'), el('td', {}, when(p.expiresAt))));
  $('parcels').tBodies[0].replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'No parcels.'))]));
}

function renderInbox(list) {
  $('inbox').replaceChildren(...(list.length ? list.map((n) => el('li', {},
    el('div', { class: 'subject' }, n.subject),
    el('div', { class: 'muted' }, n.kind.replaceAll('_', ' ') + ' · to ' + n.to.join(', ') + ' · ' + when(n.createdAt)),
    el('p', {}, n.text),
    n.code ? el('p', {}, 'Code ', el('span', { class: 'code' }, n.code), n.qrPayload ? '  QR: ' + n.qrPayload : '') : '')) :
    [el('li', { class: 'muted' }, 'No notifications yet.')]));
}

async function simulator(action, body) {
  try {
    await getJson('/dev/simulator/' + action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await refreshSimulator();
  } catch (e) {
    if (e instanceof Unauthorized) return askForKey('The cloud no longer accepts this key; enter another.');
    alert('Simulator: ' + (e instanceof Forbidden ? 'driving the simulator needs an operator key' : e.message));
  }
}

async function refreshSimulator() {
  const box = $('sim-boards');
  if (!box) return;
  try {
    const state = await getJson('/dev/simulator/state');
    box.replaceChildren(...state.boards.map((b) => el('div', {},
      el('h3', {}, 'Board ' + b.board),
      el('div', { class: 'sim-locks' }, ...(b.locks || []).map((lock) => {
        const n = lock.lock;
        const open = lock.doorOpen;
        const item = lock.itemPresent;
        return el('div', { class: 'sim-lock' },
          el('span', { class: 'label' }, 'Lock ' + n + ' · ' + (open ? 'open' : 'closed') + (item === null ? '' : item ? ' · item inside' : ' · empty')),
          el('button', { type: 'button', onclick: () => simulator('doors/close', { board: b.board, lock: n }) }, 'Close door'),
          el('button', { type: 'button', class: 'secondary', onclick: () => simulator('doors/open', { board: b.board, lock: n }) }, 'Force open'),
          el('button', { type: 'button', class: 'secondary', onclick: () => simulator('items', { board: b.board, lock: n, present: true }) }, 'Place item'),
          el('button', { type: 'button', class: 'secondary', onclick: () => simulator('items', { board: b.board, lock: n, present: false }) }, 'Remove item'));
      })))));
  } catch (e) {
    if (e instanceof Unauthorized) throw e;
    box.replaceChildren(el('p', { class: 'error' }, 'Simulator unreachable: ' + e.message));
  }
}

/** The inbox holds plain codes: only an operator key reads it. */
async function refreshInbox(query) {
  try {
    renderInbox((await getJson('/api/v1/notifications' + query)).notifications);
  } catch (e) {
    if (!(e instanceof Forbidden)) throw e;
    $('inbox').replaceChildren(el('li', { class: 'muted' },
      'The inbox holds plain pickup codes: it needs an operator key.'));
  }
}

async function refresh() {
  if (!apiKey) return;
  try {
    const { lockers } = await getJson('/api/v1/lockers?limit=100');
    if (!selected && lockers[0]) selected = lockers[0].id;
    if (selected) follow(selected);
    const open = await Promise.all(lockers.map((l) =>
      getJson('/api/v1/lockers/' + encodeURIComponent(l.id) + '/alerts?state=open').then((r) => r.alerts)));
    const alerts = new Map(lockers.map((l, i) => [l.id, open[i]]));
    renderAlerts(lockers, alerts);
    renderLockers(lockers, alerts);
    renderLockerChoice(lockers);
    const query = selected ? '?limit=50&lockerId=' + encodeURIComponent(selected) : '?limit=50';
    const [detail] = await Promise.all([
      selected ? getJson('/api/v1/lockers/' + encodeURIComponent(selected)) : null,
      refreshInbox(query),
    ]);
    if (detail) renderDetail(detail, alerts.get(detail.id) || []);
    await refreshAwaitedCodes();
    await refreshSimulator();
    $('updated').textContent = (live && live.connected ? 'Live · ' : '') + 'Updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (e instanceof Unauthorized) askForKey('The cloud did not accept this key (unknown or revoked); enter another.');
    else $('updated').textContent = 'Update failed: ' + e.message;
  }
}

// Live updates: the selected locker's status stream (Server-Sent Events, read with fetch, which
// can send the key; EventSource cannot) redraws the page on each event, resuming after the last
// one it saw; a slow refresh covers what sends no status event (the inbox, the simulator).
let live = null;
let redrawSoon = null;

function stopFollowing() {
  if (live) live.abort.abort();
  live = null;
}

function soon() {
  if (redrawSoon) return;
  redrawSoon = setTimeout(() => { redrawSoon = null; refresh(); }, 150);
}

async function follow(lockerId) {
  if (live && live.lockerId === lockerId) return;
  stopFollowing();
  const me = { lockerId, abort: new AbortController(), lastEventId: null, connected: false };
  live = me;
  while (live === me && apiKey) {
    try {
      const headers = { authorization: 'Bearer ' + apiKey };
      if (me.lastEventId) headers['last-event-id'] = me.lastEventId;
      const response = await fetch('/api/v1/lockers/' + encodeURIComponent(lockerId) + '/stream',
        { headers, signal: me.abort.signal });
      if (response.status === 401) {
        askForKey('The cloud did not accept this key (unknown or revoked); enter another.');
        return;
      }
      if (!response.ok || !response.body) return; // the slow refresh carries on alone
      me.connected = true;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\\n\\n'); end >= 0; end = buffer.indexOf('\\n\\n')) {
          const id = buffer.slice(0, end).split('\\n').find((line) => line.startsWith('id: '));
          buffer = buffer.slice(end + 2);
          if (id) { me.lastEventId = id.slice(4); soon(); }
        }
      }
    } catch (e) {
      if (me.abort.signal.aborted) return;
    }
    me.connected = false;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

${FORMS_JS}
$('scan-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('scan-text').value.trim();
  if (text) simulator('scan', { text });
});

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (key) useKey(key);
});
$('forget-key').addEventListener('click', () => askForKey(''));

if (apiKey) useKey(apiKey);
else askForKey('');
setInterval(refresh, 30000);
`;
