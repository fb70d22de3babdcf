/**
 * Language and text size, along the bottom of every screen: within reach, and there whenever a
 * person needs them, not only on the start screen. A session's end puts both back.
 */
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n';
import { useKiosk } from '../store/kioskStore';
import { Button } from './Button';

export function SettingsBar() {
  const { t } = useTranslation();
  const language = useKiosk((s) => s.language);
  const setLanguage = useKiosk((s) => s.setLanguage);
  const largeText = useKiosk((s) => s.largeText);
  const toggleLargeText = useKiosk((s) => s.toggleLargeText);
  return (
    <footer className="settings-bar">
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
      <Button variant="quiet" pressed={largeText} onClick={toggleLargeText} testId="large-text">
        <span className="aa" aria-hidden="true">
          A<span>A</span>
        </span>{' '}
        {t('common.largeText')}
      </Button>
    </footer>
  );
}
