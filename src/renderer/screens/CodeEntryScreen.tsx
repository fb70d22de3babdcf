/** Pickup or return code entry: keypad or QR scan, one neutral message, a throttle countdown. */
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { CodeDisplay, Keypad } from '../components/Keypad';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function CodeEntryScreen({ purpose }: { purpose: 'pickup' | 'return' }) {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const now = useKiosk((s) => s.now);
  const throttleUntil = useKiosk((s) => s.throttleUntil);
  const { typeDigit, backspace, clearCode, submitCode, goHome } = useKiosk.getState();
  if (screen.name !== 'pickup' && screen.name !== 'return') return null;
  const throttled = throttleUntil !== null && now < throttleUntil;
  const seconds = throttled ? Math.ceil((throttleUntil - now) / 1000) : 0;
  return (
    <main className="screen code-entry">
      <div className="screen-head">
        <Button variant="quiet" onClick={() => void goHome()}>
          {t('common.back')}
        </Button>
        <h1>{t(`${purpose}.title`)}</h1>
      </div>
      <div className="code-layout">
        <section className="code-side">
          <p className="lead">{t(`${purpose}.instructions`)}</p>
          <CodeDisplay code={screen.code} />
          {throttled ? (
            <Notice tone="warning" title={t('throttle.title')}>
              <span data-testid="throttle-countdown">{t('throttle.wait', { seconds })}</span>
            </Notice>
          ) : (
            screen.notice && <Notice tone="error">{t(`notice.${screen.notice}`)}</Notice>
          )}
          <Button
            variant="primary"
            wide
            disabled={throttled || screen.busy || screen.code.length === 0}
            onClick={() => void submitCode('code')}
          >
            {t(`${purpose}.open`)}
          </Button>
        </section>
        <Keypad
          onDigit={typeDigit}
          onClear={clearCode}
          onBack={backspace}
          disabled={throttled || screen.busy}
        />
      </div>
    </main>
  );
}
