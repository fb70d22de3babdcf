/** Shown in the last seconds before an idle screen returns to the start. */
import { useTranslation } from 'react-i18next';
import { IDLE_MS, idlePhase, useKiosk } from '../store/kioskStore';
import { Button } from './Button';

export function IdleWarning() {
  const { t } = useTranslation();
  const now = useKiosk((s) => s.now);
  const lastActivity = useKiosk((s) => s.lastActivity);
  const onHome = useKiosk((s) => s.screen.name === 'home');
  const activity = useKiosk((s) => s.activity);
  if (onHome || idlePhase(now, lastActivity) !== 'warning') return null;
  const seconds = Math.max(0, Math.ceil((lastActivity + IDLE_MS - now) / 1000));
  return (
    <div className="overlay">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title">
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p>{t('idle.body', { seconds })}</p>
        <Button variant="primary" onClick={activity}>
          {t('idle.continue')}
        </Button>
      </div>
    </div>
  );
}
