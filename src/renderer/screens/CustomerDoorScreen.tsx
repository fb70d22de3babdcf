/**
 * A customer's door: "Door A3 is open" with the lit door on the drawing, then how it ended, in
 * the outcome's own words and colour. Every state says what to do next and has a way out:
 * "door didn't open" (one reopen, then a fault), "open again" for a parcel left inside, help.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { LockerDrawing } from '../components/LockerDrawing';
import { Notice } from '../components/Notice';
import { QrCode } from '../components/QrCode';
import { customerDoorOutcome, STILL_SHUT_AFTER_MS } from '../store/doorOutcome';
import { useKiosk } from '../store/kioskStore';
import type { CustomerDoor } from '../store/screens';

const BADGE = { ok: '✓', warning: '!', error: '✕' } as const;

function liveText(screen: CustomerDoor, now: number, t: TFunction) {
  const id = screen.compartmentId;
  const opening = screen.phase === 'opening';
  const title = opening
    ? t(screen.reopened ? 'door.openingAgain' : 'door.opening', { id })
    : t('door.open', { id });
  const task = screen.purpose === 'return' ? t('door.putReturn') : t('door.takeParcel');
  const body = screen.closingFirst
    ? t('door.closeFirst', { id })
    : opening && now - screen.since >= STILL_SHUT_AFTER_MS
      ? t('door.stillShut', { id })
      : `${task} ${t('door.closeReminder')}`;
  return { title, body };
}

export function CustomerDoorScreen() {
  const { t, i18n } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const layout = useKiosk((s) => s.layout);
  const now = useKiosk((s) => s.now);
  const actions = useKiosk.getState();
  if (screen.name !== 'customerDoor') return null;
  const id = screen.compartmentId;
  const isReturn = screen.purpose === 'return';
  const finished = screen.phase === 'closed' || screen.phase === 'abandoned';
  const outcome = finished
    ? customerDoorOutcome(screen.purpose, screen.phase === 'closed', screen.reason)
    : null;
  const { title, body } = outcome
    ? { title: t(outcome.title, { id }), body: t(outcome.body, { id }) }
    : liveText(screen, now, t);

  return (
    <main className="screen door-screen" data-tone={outcome?.tone ?? 'live'}>
      {/* Focusable: in large text on a landscape screen this column may scroll. */}
      <section className="door-text" tabIndex={0} aria-labelledby="door-title">
        <p className={`door-badge${outcome ? ` done ${outcome.tone}` : ''}`} aria-hidden="true">
          {outcome ? BADGE[outcome.tone] : id}
        </p>
        <h1 id="door-title" data-testid="door-title">
          {title}
        </h1>
        <p className="lead" data-testid="door-body">
          {body}
        </p>
        {isReturn && screen.phase === 'closed' && screen.receipt && (
          <div className="receipt" data-testid="receipt">
            <dl className="receipt-facts">
              <div className="receipt-ref">
                <dt>{t('return.receiptRef')}</dt>
                <dd data-testid="return-reference">{screen.receipt.reference}</dd>
              </div>
              <div>
                <dt>{t('return.receiptDoor')}</dt>
                <dd>{id}</dd>
              </div>
              <div>
                <dt>{t('return.receiptTime')}</dt>
                <dd>
                  {new Intl.DateTimeFormat(i18n.language, {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  }).format(screen.receipt.at)}
                </dd>
              </div>
            </dl>
            {/* The same reference for a phone's camera or a courier's scanner. */}
            <QrCode
              text={screen.receipt.reference}
              label={t('return.receiptQr', { reference: screen.receipt.reference })}
            />
          </div>
        )}
        {screen.notice && (
          <Notice tone={screen.notice.tone}>{t(screen.notice.key, screen.notice.params)}</Notice>
        )}
        {screen.help && (
          <Notice tone="info">{t('door.helpText', { id, locker: layout?.lockerId ?? '' })}</Notice>
        )}
      </section>
      <LockerDrawing layout={layout} highlight={finished ? null : id} />
      <div className="door-actions">
        {screen.phase === 'opening' && (
          <Button onClick={() => void actions.customerDoorDidNotOpen()} disabled={screen.busy}>
            {t(screen.reopened ? 'door.stillDidNotOpen' : 'door.didNotOpen')}
          </Button>
        )}
        {isReturn && screen.phase === 'open' && (
          <Button onClick={() => void actions.returnDoesntFit()} disabled={screen.busy}>
            {screen.closingFirst ? t('door.emptyAndClosed', { id }) : t('return.doesntFit')}
          </Button>
        )}
        {finished && screen.reason === 'not_taken' && screen.again && (
          <Button onClick={() => void actions.openAgain()} disabled={screen.busy}>
            {t('door.openAgain', { id })}
          </Button>
        )}
        {outcome?.tone !== 'ok' && (
          <Button variant="quiet" pressed={screen.help} onClick={actions.toggleHelp}>
            {t('door.help')}
          </Button>
        )}
        {finished && (
          <Button variant="primary" wide onClick={() => void actions.endSession()}>
            {t('common.done')}
          </Button>
        )}
      </div>
    </main>
  );
}
