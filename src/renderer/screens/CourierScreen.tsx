/**
 * A courier's visit: scan a parcel → its door opens → close → next. "Doesn't fit" opens a
 * larger door, "door didn't open" another one; the visit's deposits are listed alongside.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { SIZES } from '../../shared/domain';
import { Button } from '../components/Button';
import { LockerDrawing } from '../components/LockerDrawing';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';
import { depositTone, STILL_SHUT_AFTER_MS } from '../store/doorOutcome';
import type { ActiveDeposit } from '../store/screens';

function depositLine(deposit: ActiveDeposit, now: number, t: TFunction): string {
  const p = { id: deposit.compartmentId, barcode: deposit.barcode };
  if (deposit.phase === 'opening' && now - deposit.since >= STILL_SHUT_AFTER_MS)
    return t('courier.stillShut', p);
  if (deposit.phase === 'opening')
    return t(deposit.reopened ? 'courier.openingAgain' : 'courier.opening', p);
  if (deposit.phase === 'open' && deposit.closingFirst) return t('courier.closeFirst', p);
  if (deposit.phase === 'open') return t('courier.doorOpen', p);
  if (deposit.phase === 'closed') return t('courier.deposited', p);
  if (deposit.reason === 'door_failed') return t('courier.jammed', p);
  if (deposit.reason === 'inspection') return t('courier.inspection', p);
  return deposit.reason === 'timeout' ? t('courier.timeout', p) : t('courier.released', p);
}

export function CourierScreen() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const layout = useKiosk((s) => s.layout);
  const now = useKiosk((s) => s.now);
  const actions = useKiosk.getState();
  if (screen.name !== 'courier') return null;
  const { deposit } = screen;
  const doorInUse = deposit && (deposit.phase === 'opening' || deposit.phase === 'open');
  return (
    <main className="screen courier">
      <div className="screen-head">
        <h1>{t('courier.title')}</h1>
        <span className="spacer" />
        <Button variant="quiet" onClick={() => void actions.endSession()}>
          {t('common.logout')}
        </Button>
      </div>
      <div className="work-layout">
        <LockerDrawing layout={layout} highlight={doorInUse ? deposit.compartmentId : null} />
        <section className="work-main">
          {screen.sizeFor ? (
            <div className="card">
              <h2>{t('courier.sizeTitle')}</h2>
              <p className="lead">
                {screen.sizeFor} · {t('courier.sizeHint')}
              </p>
              <div className="size-grid">
                {SIZES.map((size) => (
                  <Button
                    key={size}
                    onClick={() => void actions.startDeposit(screen.sizeFor!, size)}
                    disabled={screen.busy}
                  >
                    {size} · {t(`size.${size}`)}
                  </Button>
                ))}
              </div>
              <Button variant="quiet" onClick={actions.cancelSize}>
                {t('common.cancel')}
              </Button>
            </div>
          ) : (
            <div className="card">
              {!doorInUse && (
                <>
                  <h2>{t('courier.scanParcel')}</h2>
                  <p className="lead">{t('courier.scanHint')}</p>
                </>
              )}
              {deposit && (
                <p
                  className={`big-line ${depositTone(deposit.phase, deposit.reason) ?? ''}`}
                  data-testid="deposit-line"
                  role="status"
                >
                  {depositLine(deposit, now, t)}
                </p>
              )}
              {doorInUse && deposit.closingFirst && (
                // Pressed once the door is shut: the courier's word that it is empty.
                <div className="row">
                  <Button onClick={() => void actions.depositDoesntFit()} disabled={screen.busy}>
                    {t('courier.emptyAndClosed', { id: deposit.compartmentId })}
                  </Button>
                </div>
              )}
              {doorInUse && !deposit.closingFirst && (
                <div className="row">
                  <Button onClick={() => void actions.depositDoesntFit()} disabled={screen.busy}>
                    {t('courier.doesntFit')}
                  </Button>
                  {deposit.phase === 'opening' && (
                    <Button
                      onClick={() => void actions.depositDoorDidNotOpen()}
                      disabled={screen.busy}
                    >
                      {t(deposit.reopened ? 'courier.stillDidNotOpen' : 'courier.didNotOpen')}
                    </Button>
                  )}
                </div>
              )}
            </div>
          )}
          {screen.notice && (
            <Notice tone={screen.notice.tone}>{t(screen.notice.key, screen.notice.params)}</Notice>
          )}
          <section className="card" aria-labelledby="visit-title">
            <h2 id="visit-title">{t('courier.visit')}</h2>
            {screen.deposits.length === 0 ? (
              <p className="muted">{t('courier.visitEmpty')}</p>
            ) : (
              <ul className="list" data-testid="visit-list">
                {screen.deposits.map((d) => (
                  <li key={d.parcelId}>
                    <span className="chip">{d.compartmentId}</span>
                    <span>{d.trackingBarcode}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <Button wide onClick={() => void actions.openCollection()}>
            {t('courier.collect')}
          </Button>
        </section>
      </div>
    </main>
  );
}
