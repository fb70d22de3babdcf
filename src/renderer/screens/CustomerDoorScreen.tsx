/** "Door A3 is open": the lit door on the drawing, then "close the door", then done (or receipt). */
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { LockerDrawing } from '../components/LockerDrawing';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function CustomerDoorScreen() {
  const { t, i18n } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const layout = useKiosk((s) => s.layout);
  const { goHome, returnDoesntFit } = useKiosk.getState();
  if (screen.name !== 'customerDoor') return null;
  const id = screen.compartmentId;
  const isReturn = screen.purpose === 'return';
  const finished = screen.phase === 'closed' || screen.phase === 'abandoned';

  let title: string;
  let body: string;
  if (screen.phase === 'closed') {
    title = isReturn ? t('return.receiptTitle') : t('door.thanks');
    body = isReturn ? t('return.receiptNote') : t('door.pickedUp');
  } else if (screen.phase === 'abandoned') {
    title = t('door.thanks');
    body =
      screen.reason === 'not_taken'
        ? t('door.notTaken')
        : screen.reason === 'timeout'
          ? t('door.timeout')
          : screen.reason === 'inspection'
            ? t('door.inspection')
            : isReturn
              ? t('door.returnReleased')
              : t('door.abandoned');
  } else {
    title = screen.phase === 'open' ? t('door.open', { id }) : t('door.opening', { id });
    body = `${isReturn ? t('door.putReturn') : t('door.takeParcel')} ${t('door.closeReminder')}`;
  }

  return (
    <main className="screen door-screen">
      <section className="door-text">
        <p className={`door-badge${finished ? ' done' : ''}`} aria-hidden="true">
          {finished ? '✓' : id}
        </p>
        <h1 data-testid="door-title">{title}</h1>
        <p className="lead">{body}</p>
        {isReturn && screen.phase === 'closed' && screen.receipt && (
          <dl className="receipt" data-testid="receipt">
            <div>
              <dt>{t('return.receiptRef')}</dt>
              <dd>{screen.receipt.returnId}</dd>
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
        )}
        {screen.notice && <Notice tone="error">{t(`notice.${screen.notice}`)}</Notice>}
      </section>
      <LockerDrawing layout={layout} highlight={finished ? null : id} />
      <div className="door-actions">
        {isReturn && !finished && (
          <Button onClick={() => void returnDoesntFit()} disabled={screen.busy}>
            {t('return.doesntFit')}
          </Button>
        )}
        {finished && (
          <Button variant="primary" wide onClick={() => void goHome()}>
            {t('common.done')}
          </Button>
        )}
      </div>
    </main>
  );
}
