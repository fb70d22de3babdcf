/** Pickup or return code entry: keypad or QR scan, one neutral message, a throttle countdown. */
import { useTranslation } from 'react-i18next';
import { CODE_LENGTH } from '../../shared/domain';
import { Button } from '../components/Button';
import { CodeDisplay, Keypad } from '../components/Keypad';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function CodeEntryScreen({ purpose }: { purpose: 'pickup' | 'return' }) {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const now = useKiosk((s) => s.now);
  const throttleUntil = useKiosk((s) => s.throttleUntil);
  const codeLength = useKiosk((s) => s.status?.codeLength ?? CODE_LENGTH.min);
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
      <section className="code-side">
        <p className="lead">{t(`${purpose}.instructions`)}</p>
        <CodeDisplay code={screen.code} length={codeLength} rejected={screen.rejected} />
        {throttled ? (
          <Notice tone="warning" title={t('throttle.title')}>
            <span data-testid="throttle-countdown">{t('throttle.wait', { seconds })}</span>
          </Notice>
        ) : (
          screen.notice && (
            <Notice tone="error">
              {t(`notice.${screen.notice}`)}
              {typeof screen.attemptsLeft === 'number' && (
                <span className="notice-detail" data-testid="attempts-left">
                  {screen.attemptsLeft > 0
                    ? t('throttle.attemptsLeft', { count: screen.attemptsLeft })
                    : t('throttle.lastAttempt')}
                </span>
              )}
            </Notice>
          )
        )}
      </section>
      <div className="code-controls">
        <Keypad
          onDigit={typeDigit}
          onClear={clearCode}
          onBack={backspace}
          disabled={throttled || screen.busy}
        />
        <Button
          variant="primary"
          wide
          // Any length 6–10 goes: a code issued before the locker's length changed still works.
          disabled={throttled || screen.busy || screen.code.length < CODE_LENGTH.min}
          onClick={() => void submitCode('code')}
        >
          {t(`${purpose}.open`)}
        </Button>
      </div>
    </main>
  );
}
