/** Courier and staff log in by holding their badge under the scanner. */
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function CourierLoginScreen() {
  const { t } = useTranslation();
  const notice = useKiosk((s) => (s.screen.name === 'courierLogin' ? s.screen.notice : null));
  const goHome = useKiosk((s) => s.goHome);
  return (
    <main className="screen login">
      <div className="screen-head">
        <Button variant="quiet" onClick={() => void goHome()}>
          {t('common.back')}
        </Button>
        <h1>{t('courier.loginTitle')}</h1>
      </div>
      <div className="scan-prompt">
        <div className="scan-illustration" aria-hidden="true">
          <span className="scan-beam" />
        </div>
        <p className="lead">{t('courier.loginHint')}</p>
        {notice && <Notice tone="error">{t(`badge.${notice}`)}</Notice>}
      </div>
    </main>
  );
}
