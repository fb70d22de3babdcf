/** The strip along the top: the locker, the cloud link, events waiting to be sent, the time. */
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
    <header className="status-bar">
      <span className="brand">{t('app.title')}</span>
      {session && (
        <span className="status-item">{t('common.loggedInAs', { subject: session.subject })}</span>
      )}
      <span className="status-spacer" />
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
      <time className="status-time" dateTime={new Date(now).toISOString()}>
        {time}
      </time>
    </header>
  );
}
