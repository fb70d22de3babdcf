/** The start: pick up, return, courier; language and text size; staff log in by badge scan. */
import { CourierIcon, PickupIcon, ReturnIcon } from '../components/ActionIcons';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { Notice } from '../components/Notice';
import { LANGUAGES } from '../i18n';
import { useKiosk } from '../store/kioskStore';

export function HomeScreen() {
  const { t } = useTranslation();
  const notice = useKiosk((s) => (s.screen.name === 'home' ? s.screen.notice : null));
  const go = useKiosk((s) => s.go);
  const language = useKiosk((s) => s.language);
  const setLanguage = useKiosk((s) => s.setLanguage);
  const largeText = useKiosk((s) => s.largeText);
  const toggleLargeText = useKiosk((s) => s.toggleLargeText);
  return (
    <main className="screen home">
      <div className="home-heading">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.subtitle')}</p>
      </div>
      {notice && <Notice tone="info">{t('home.sessionExpired')}</Notice>}
      <div className="home-actions">
        <Button
          variant="primary"
          wide
          onClick={() => go('pickup')}
          hint={t('home.pickupHint')}
          icon={<PickupIcon />}
        >
          {t('home.pickup')}
        </Button>
        <Button wide onClick={() => go('return')} hint={t('home.returnHint')} icon={<ReturnIcon />}>
          {t('home.return')}
        </Button>
        <Button
          wide
          variant="quiet"
          onClick={() => go('courierLogin')}
          hint={t('home.courierHint')}
          icon={<CourierIcon />}
        >
          {t('home.courier')}
        </Button>
      </div>
      <p className="scan-hint">
        <span className="scan-icon" aria-hidden="true" />
        {t('home.scanHint')}
      </p>
      <footer className="home-footer">
        <div className="languages" role="group" aria-label={t('common.language')}>
          {LANGUAGES.map((l) => (
            <Button
              key={l.code}
              variant="quiet"
              pressed={language === l.code}
              onClick={() => setLanguage(l.code)}
            >
              <span lang={l.code}>{l.name}</span>
            </Button>
          ))}
        </div>
        <Button variant="quiet" pressed={largeText} onClick={toggleLargeText}>
          <span className="aa" aria-hidden="true">
            A<span>A</span>
          </span>{' '}
          {t('common.largeText')}
        </Button>
        <p className="staff-hint">{t('home.staffHint')}</p>
      </footer>
    </main>
  );
}
