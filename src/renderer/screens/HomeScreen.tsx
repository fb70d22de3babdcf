/** The start: pick up, return, courier; a QR works any time; staff log in by badge scan. */
import { CourierIcon, PickupIcon, ReturnIcon } from '../components/ActionIcons';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function HomeScreen() {
  const { t } = useTranslation();
  const notice = useKiosk((s) => (s.screen.name === 'home' ? s.screen.notice : null));
  const go = useKiosk((s) => s.go);
  return (
    <main className="screen home">
      <div className="home-heading">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.subtitle')}</p>
      </div>
      {notice && <Notice tone="info">{t(`home.${notice}`)}</Notice>}
      <p className="scan-hint">
        <span className="scan-icon" aria-hidden="true" />
        {t('home.scanHint')}
      </p>
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
      <p className="staff-hint">{t('home.staffHint')}</p>
    </main>
  );
}
