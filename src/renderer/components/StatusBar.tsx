/**
 * The strip along the top: the locker and the time for everyone. Couriers and staff also see
 * the cloud link and the events waiting to be sent; a customer sees at most that the locker
 * works offline (issue 11: "5 events waiting" is staff's business). The full state is on the
 * element as data attributes, for the machines that watch it.
 */
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../store/kioskStore';

export function StatusBar() {
  const { t, i18n } = useTranslation();
  const status = useKiosk((s) => s.status);
  const now = useKiosk((s) => s.now);
  const session = useKiosk((s) => s.session);
  const online = status?.cloud.online ?? false;
  const waiting = status?.eventsWaiting ?? 0;
  const time = new Intl.DateTimeFormat(i18n.language, {
    hour: '2-digit',
    minute: '2-digit',
  }).format(now);
  return (
    <header
      className="status-bar"
      data-testid="status-bar"
      data-online={online}
      data-events-waiting={waiting}
    >
      <span className="brand">{t('app.title')}</span>
      {session && (
        <span className="status-item">{t('common.loggedInAs', { subject: session.subject })}</span>
      )}
      <span className="status-spacer" />
      {session ? (
        <>
          <span
            className={`pill ${online ? 'pill-online' : 'pill-offline'}`}
            aria-label={`${t('status.cloud')}: ${online ? t('status.online') : t('status.offline')}`}
            data-testid="link-status"
          >
            <span className="dot" aria-hidden="true" />
            {online ? t('status.online') : t('status.offline')}
          </span>
          <span className="status-item" data-testid="events-waiting">
            {waiting > 0 ? t('status.waiting', { count: waiting }) : t('status.allSent')}
          </span>
        </>
      ) : (
        !online && (
          <span className="pill pill-quiet" data-testid="link-status">
            {t('status.worksOffline')}
          </span>
        )
      )}
      <time className="status-time" dateTime={new Date(now).toISOString()}>
        {time}
      </time>
    </header>
  );
}
