/**
 * The dashboard's "Create" panel: forms for a parcel (an allocation), a return and a badge that
 * post to the same REST API with the key the page already holds, so the cloud, not the page,
 * decides what the key may do. Each form shows the answer (a parcel's pickup code once the
 * inbox has it) or the refusal in words. Markup, script and style, joined into the dashboard's.
 */
import { BADGE_ROLES, SIZES } from '../../src/shared/domain';

const options = (values: readonly string[]) =>
  values.map((v) => `<option value="${v}">${v}</option>`).join('');

/** One labelled field; `path` is where its value goes in the request body (a.b for nesting). */
function field(id: string, label: string, path: string, attrs = ''): string {
  return `<label for="${id}">${label}</label><input id="${id}" data-path="${path}" ${attrs}>`;
}

export const CREATE_PANEL = `<section class="panel" id="create" aria-labelledby="create-title">
    <div class="panel-head"><h2 id="create-title">Create</h2>
    <span class="muted">through the REST API with this key: the cloud decides what the key may do</span></div>
    <div class="inline-form"><label for="create-locker">At locker</label>
    <select id="create-locker"></select></div>
    <div class="create-forms">
      <form id="parcel-form" class="create-form" novalidate aria-labelledby="parcel-form-title">
        <h3 id="parcel-form-title">A parcel</h3>
        ${field('parcel-id', 'Parcel id', 'parcelId', 'autocomplete="off"')}
        ${field('parcel-barcode', 'Tracking barcode', 'trackingBarcode', 'autocomplete="off"')}
        ${field('parcel-length', 'Length (mm)', 'dimensions.lengthMm', 'type="number" value="300"')}
        ${field('parcel-width', 'Width (mm)', 'dimensions.widthMm', 'type="number" value="200"')}
        ${field('parcel-height', 'Height (mm)', 'dimensions.heightMm', 'type="number" value="80"')}
        ${field('parcel-weight', 'Weight (g)', 'weightG', 'type="number" value="1200"')}
        ${field('parcel-name', 'Customer', 'customer.name', 'value="Ada Lovelace"')}
        ${field('parcel-phone', 'Phone', 'customer.phone', 'value="+49 30 1234567"')}
        ${field('parcel-email', 'E-mail', 'customer.email', 'value="ada@example.org"')}
        ${field('parcel-hold', 'Hold days', 'holdDays', 'type="number" value="3"')}
        ${field('parcel-accessible', 'Lower door', 'accessible', 'type="checkbox"')}
        <button type="submit">Create parcel</button>
        <p id="parcel-form-error" class="error" role="alert"></p>
        <div id="parcel-form-answer" class="answer" aria-live="polite"></div>
      </form>
      <form id="return-form" class="create-form" novalidate aria-labelledby="return-form-title">
        <h3 id="return-form-title">A return</h3>
        <label for="return-size">Size</label>
        <select id="return-size" data-path="size">${options(SIZES)}</select>
        ${field('return-name', 'Customer', 'customer.name', 'value="Grace Hopper"')}
        ${field('return-phone', 'Phone', 'customer.phone', 'value="+49 30 7654321"')}
        ${field('return-email', 'E-mail', 'customer.email', 'value="grace@example.org"')}
        <button type="submit">Create return</button>
        <p id="return-form-error" class="error" role="alert"></p>
        <div id="return-form-answer" class="answer" aria-live="polite"></div>
      </form>
      <form id="badge-form" class="create-form" novalidate aria-labelledby="badge-form-title">
        <h3 id="badge-form-title">A badge</h3>
        <label for="badge-role">Role</label>
        <select id="badge-role" data-path="role">${options(BADGE_ROLES)}</select>
        ${field('badge-subject', 'Holder', 'subject', 'value="anna" autocomplete="off"')}
        ${field('badge-days', 'Valid days', 'validDays', 'type="number" value="30"')}
        <label for="badge-here">Only at this locker</label><input id="badge-here" type="checkbox">
        <button type="submit">Create badge</button>
        <p id="badge-form-error" class="error" role="alert"></p>
        <div id="badge-form-answer" class="answer" aria-live="polite"></div>
      </form>
    </div>
  </section>`;

export const FORMS_CSS = `
.create-forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; }
.create-form { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 0.4rem 0.75rem; align-items: center;
  align-content: start; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
.create-form h3, .create-form button, .create-form .answer, .create-form .error { grid-column: 1 / -1; margin: 0; }
.create-form h3 { margin-bottom: 0.25rem; }
.create-form input, .create-form select { min-width: 0; width: 100%; }
.create-form input[type="checkbox"] { width: auto; justify-self: start; }
.create-form button { justify-self: start; margin-top: 0.25rem; }
select { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid #9aa5b1; border-radius: 6px; background: #fff; }
select:focus-visible { outline: 3px solid #0b5cad66; outline-offset: 1px; }
.answer p { margin: 0.25rem 0; }
.answer textarea { width: 100%; font: 0.85rem ui-monospace, "SFMono-Regular", Menlo, monospace; border: 1px solid #9aa5b1; border-radius: 6px; }
`;

/** Runs inside the dashboard's script: uses its $, el, when, apiKey, getJson, askForKey, simulator. */
export const FORMS_JS = `
// Parcels created here wait for their pickup code (sent when a courier deposits them): id → line.
const awaitingCode = new Map();
const freshId = () => Math.random().toString(36).slice(2, 8).toUpperCase();

function newParcelIds() {
  const id = 'P-' + freshId();
  $('parcel-id').value = id;
  $('parcel-barcode').value = 'TRK' + id.slice(2);
}

function renderLockerChoice(lockers) {
  const box = $('create-locker');
  const chosen = box.value || selected;
  box.replaceChildren(...lockers.map((l) => el('option', { value: l.id }, l.name + ' (' + l.id + ')')));
  if (lockers.some((l) => l.id === chosen)) box.value = chosen;
}

/** The request body from the form's fields: each field's data-path says where its value goes. */
function bodyOf(form) {
  const body = {};
  for (const input of form.querySelectorAll('[data-path]')) {
    const raw = input.type === 'checkbox' ? input.checked : input.value.trim();
    if (raw === '') continue; // left empty: the API says whether it is needed
    const keys = input.dataset.path.split('.');
    let at = body;
    for (const k of keys.slice(0, -1)) at = at[k] ??= {};
    at[keys[keys.length - 1]] = input.type === 'number' ? Number(raw) : raw;
  }
  return body;
}

/** A refusal in words: each field problem under the field's own label, else the cloud's message. */
function refusalInWords(form, what, status, reply) {
  const labelOf = (path) => {
    const input = form.querySelector('[data-path="' + path + '"]');
    return input ? form.querySelector('label[for="' + input.id + '"]').textContent : path;
  };
  const detail = Array.isArray(reply.problems)
    ? reply.problems.map((p) => labelOf(p.path.replace(/^body\\./, '')) + ': ' + p.message).join('; ')
    : reply.message || reply.error || 'HTTP ' + status;
  return 'The cloud did not ' + what + ': ' + detail + '.';
}

async function create(form, what, path, body, answerOf) {
  const error = $(form.id + '-error');
  const answer = $(form.id + '-answer');
  const button = form.querySelector('button[type="submit"]');
  error.textContent = '';
  answer.replaceChildren(el('p', { class: 'muted' }, 'Sending…'));
  button.disabled = true;
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + apiKey },
      body: JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({}));
    if (response.status === 401) return askForKey('The cloud no longer accepts this key; enter another.');
    if (!response.ok) {
      answer.replaceChildren();
      error.textContent = refusalInWords(form, what, response.status, reply);
      return;
    }
    answer.replaceChildren(...answerOf(reply));
    await refresh();
  } catch (e) {
    answer.replaceChildren();
    error.textContent = 'The cloud could not be reached to ' + what + ': ' + e.message + '.';
  } finally {
    button.disabled = false;
  }
}

function parcelAnswer(body) {
  return (r) => {
    const code = el('p', { class: 'muted' },
      'The pickup code goes to the customer when a courier has put the parcel in the locker; it shows here then.');
    awaitingCode.set(body.parcelId, code);
    newParcelIds();
    return [
      el('p', {}, 'Parcel ', el('strong', {}, body.parcelId), ' allocated at ' + body.lockerId + ': allocation ',
        el('code', {}, r.allocationId), ', size ' + r.size + ', to be deposited by ' + when(r.expiresAt) + '.'),
      el('p', {}, 'The courier scans ', el('strong', {}, body.trackingBarcode), ' at the locker.'),
      code,
    ];
  };
}

/** The pickup code of each parcel created here, once the inbox has it (an operator key reads it). */
async function refreshAwaitedCodes() {
  for (const [parcelId, line] of awaitingCode) {
    try {
      const { notifications } = await getJson('/api/v1/notifications?limit=20&parcelId=' + encodeURIComponent(parcelId));
      const sent = notifications.find((n) => n.kind === 'pickup_code');
      if (!sent) continue;
      line.className = 'pickup-code';
      line.replaceChildren('Pickup code ', el('span', { class: 'code' }, sent.code),
        sent.qrPayload ? '  QR: ' + sent.qrPayload : '', ' · sent to ' + sent.to.join(', '));
      awaitingCode.delete(parcelId);
    } catch (e) {
      if (!(e instanceof Forbidden)) throw e;
      line.textContent = 'The pickup code is in the notification inbox, which needs an operator key.';
      awaitingCode.delete(parcelId);
    }
  }
}

const returnAnswer = (body) => (r) => [
  el('p', {}, 'Return expected at ' + body.lockerId + ' (size ' + body.size + '): return code ',
    el('span', { class: 'code' }, r.returnCode), ', which the customer types at the locker.'),
  el('p', {}, 'Reference ', el('strong', {}, r.reference),
    ' (on the customer’s receipt, and what the courier scans to collect it) · return ', el('code', {}, r.returnId)),
];

function badgeAnswer(r) {
  const token = el('textarea', { readonly: '', rows: '3', 'aria-label': 'Badge token', spellcheck: 'false' });
  token.value = r.token;
  const scan = $('scan-form')
    ? el('button', { type: 'button', class: 'secondary', onclick: () => simulator('scan', { text: r.token }) },
        'Scan this badge at the locker')
    : '';
  return [el('p', {}, 'Badge ', el('code', {}, r.badgeId), ', valid until ' + when(r.expiresAt) + '. Its token:'),
    token, scan];
}

$('parcel-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const body = { lockerId: $('create-locker').value, ...bodyOf(event.target) };
  create(event.target, 'create the parcel', '/api/v1/allocations', body, parcelAnswer(body));
});
$('return-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const body = { lockerId: $('create-locker').value, ...bodyOf(event.target) };
  create(event.target, 'create the return', '/api/v1/returns', body, returnAnswer(body));
});
$('badge-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const body = bodyOf(event.target);
  if ($('badge-here').checked) body.lockers = [$('create-locker').value];
  create(event.target, 'issue the badge', '/api/v1/badges', body, badgeAnswer);
});
newParcelIds();
`;
