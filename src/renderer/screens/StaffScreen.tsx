/**
 * Staff service: the compartment grid with states, one door opened with a reason, out of
 * service and back, open all expired; cloud and outbox status, hardware, recent events.
 */
import { useTranslation } from 'react-i18next';
import type { StaffCompartment } from '../../shared/ipc/types';
import { Button } from '../components/Button';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';
import type { StaffTab } from '../store/screens';

const TABS: StaffTab[] = ['grid', 'events', 'system'];

function Cell({
  c,
  selected,
  onSelect,
}: {
  c: StaffCompartment;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  const expired = c.content?.kind === 'parcel' && c.content.expired;
  const state = t(`staff.state.${c.state}`);
  // The visible words are the button's name (no aria-label that says something else); the
  // commas, inline and without width, are for screen readers only.
  const comma = <span className="cell-sep">, </span>;
  return (
    <button
      type="button"
      className={`cell state-${c.state}${expired ? ' expired' : ''}${selected ? ' selected' : ''}`}
      onClick={onSelect}
      aria-pressed={selected}
      data-compartment={c.id}
    >
      <span className="cell-id">{c.id}</span>
      {comma}
      <span className="cell-size">{c.size}</span>
      {comma}
      <span className="cell-state">{expired ? t('staff.expired') : state}</span>
      {c.doorOpen && (
        <>
          {comma}
          <span className="cell-door">{t('staff.doorIsOpen')}</span>
        </>
      )}
    </button>
  );
}

function Grid() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const actions = useKiosk.getState();
  if (screen.name !== 'staff') return null;
  const columns = [...new Set(screen.compartments.map((c) => c.column))];
  const selected = screen.compartments.find((c) => c.id === screen.selected) ?? null;
  const reasonOk = screen.reason.trim().length >= 3;
  return (
    <div className="staff-grid-layout">
      <div className="staff-grid" role="group" aria-label={t('staff.select')}>
        {columns.map((col) => (
          <div className="staff-column" key={col}>
            {screen.compartments
              .filter((c) => c.column === col)
              .map((c) => (
                <Cell
                  key={c.id}
                  c={c}
                  selected={c.id === screen.selected}
                  onSelect={() => actions.staffSelect(c.id === screen.selected ? null : c.id)}
                />
              ))}
          </div>
        ))}
      </div>
      <aside className="card staff-panel">
        {selected ? (
          <>
            <h2>
              {selected.id} · {selected.size} · {t(`staff.state.${selected.state}`)}
            </h2>
            <dl className="facts">
              <div>
                <dt>{t('staff.content')}</dt>
                <dd>
                  {selected.content === null
                    ? t('staff.empty')
                    : selected.content.kind === 'parcel'
                      ? `${selected.content.trackingBarcode}${selected.content.expired ? ` (${t('staff.expired')})` : ''}`
                      : selected.content.returnId}
                </dd>
              </div>
              <div>
                <dt>{t('staff.door')}</dt>
                <dd>
                  {selected.doorOpen === null
                    ? t('staff.doorUnknown')
                    : selected.doorOpen
                      ? t('staff.doorOpen')
                      : t('staff.doorClosed')}
                </dd>
              </div>
              {selected.outOfServiceReason && (
                <div>
                  <dt>{t('staff.state.out_of_service')}</dt>
                  <dd>{selected.outOfServiceReason}</dd>
                </div>
              )}
            </dl>
            <div className="field">
              <label htmlFor="staff-reason">{t('staff.reason')}</label>

              <input
                id="staff-reason"
                type="text"
                value={screen.reason}
                maxLength={200}
                onChange={(e) => actions.staffReason(e.target.value)}
                aria-describedby="reason-hint"
              />
              <small id="reason-hint">{t('staff.reasonHint')}</small>
            </div>
            <div className="stack">
              <Button
                variant="primary"
                disabled={!reasonOk || screen.busy}
                onClick={() => void actions.staffOpenDoor()}
              >
                {t('staff.open')}
              </Button>
              {selected.state === 'out_of_service' ? (
                <Button
                  disabled={!reasonOk || screen.busy}
                  onClick={() => void actions.staffSetService(true)}
                >
                  {t('staff.backInService')}
                </Button>
              ) : (
                <Button
                  variant="danger"
                  disabled={!reasonOk || screen.busy}
                  onClick={() => void actions.staffSetService(false)}
                >
                  {t('staff.outOfService')}
                </Button>
              )}
            </div>
          </>
        ) : (
          <p className="lead">{t('staff.select')}</p>
        )}
        <hr />
        <Button disabled={screen.busy} onClick={() => void actions.staffOpenAllExpired()}>
          {t('staff.openAllExpired')}
        </Button>
      </aside>
    </div>
  );
}

function Events() {
  const events = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.events : []));
  const { t, i18n } = useTranslation();
  const fmt = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  return (
    // Focusable, so a keyboard can scroll it (the list is longer than the screen).
    <ol
      className="events"
      data-testid="recent-events"
      tabIndex={0}
      aria-label={t('staff.tabs.events')}
    >
      {events.map((e) => (
        <li key={e.seq}>
          <span className="muted">#{e.seq}</span>
          <time dateTime={e.at}>{fmt.format(Date.parse(e.at))}</time>
          <strong>{e.type}</strong>
          <span className="summary">{e.summary}</span>
        </li>
      ))}
    </ol>
  );
}

function System() {
  const { t, i18n } = useTranslation();
  const d = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.diagnostics : null));
  const status = useKiosk((s) => s.status);
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const none = t('staff.none');
  return (
    // A region of its own that a keyboard can scroll (taller than the screen in large text).
    <div className="system-panel" role="region" tabIndex={0} aria-label={t('staff.tabs.system')}>
      <dl className="facts system" data-testid="diagnostics">
        <div>
          <dt>{t('staff.cloud')}</dt>
          <dd>{status?.cloud.online ? t('status.online') : t('status.offline')}</dd>
        </div>
        <div>
          <dt>{t('staff.outbox')}</dt>
          <dd>{status?.eventsWaiting ?? 0}</dd>
        </div>
        <div>
          <dt>{t('staff.oldest')}</dt>
          <dd>{status?.oldestWaitingAt ? fmt.format(status.oldestWaitingAt) : none}</dd>
        </div>
        {d && (
          <>
            <div>
              <dt>{t('staff.lockBoard')}</dt>
              <dd>
                {d.lockBoard.state === 'ok' ? t('staff.ok') : t('staff.fault')}
                {d.lockBoard.lastFault &&
                  ` · ${t('staff.lastFault')}: ${d.lockBoard.lastFault}${d.lockBoard.lastFaultAt ? ` (${fmt.format(d.lockBoard.lastFaultAt)})` : ''}`}
              </dd>
            </div>
            <div>
              <dt>{t('staff.scanner')}</dt>
              <dd>{t(`staff.scannerState.${d.scanner}`)}</dd>
            </div>
            <div>
              <dt>{t('staff.simulated')}</dt>
              <dd>{d.simulated ? '✓' : '—'}</dd>
            </div>
            <div>
              <dt>{t('staff.doorsOpen')}</dt>
              <dd>{d.doorsOpen.join(', ') || none}</dd>
            </div>
            <div>
              <dt>{t('staff.state.out_of_service')}</dt>
              <dd>
                {d.outOfService.map((o) => `${o.compartmentId} (${o.reason ?? ''})`).join(', ') ||
                  none}
              </dd>
            </div>
            <div>
              <dt>{t('staff.pending')}</dt>
              <dd>
                {d.pendingOperations.map((o) => `${o.compartmentId} ${o.kind}`).join(', ') || none}
              </dd>
            </div>
          </>
        )}
      </dl>
    </div>
  );
}

export function StaffScreen() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const actions = useKiosk.getState();
  if (screen.name !== 'staff') return null;
  return (
    <main className="screen staff">
      <div className="screen-head">
        <h1>{t('staff.title')}</h1>
        <span className="spacer" />
        <Button variant="quiet" onClick={() => void actions.endSession()}>
          {t('common.logout')}
        </Button>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            className="tab"
            aria-selected={screen.tab === tab}
            onClick={() => void actions.staffTab(tab)}
          >
            {t(`staff.tabs.${tab}`)}
          </button>
        ))}
      </div>
      {screen.notice && (
        <Notice tone={screen.notice.tone}>{t(screen.notice.key, screen.notice.params)}</Notice>
      )}
      <div role="tabpanel" className="tabpanel">
        {screen.tab === 'grid' ? <Grid /> : screen.tab === 'events' ? <Events /> : <System />}
      </div>
    </main>
  );
}
