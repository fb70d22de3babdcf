/**
 * A letter keyboard for the touch screen, in a dialog over the whole width: staff type a reason
 * of their own with it (the kiosk has no physical keyboard). A hardware keyboard still works in
 * its field. Keys are at least 64 px; the text goes back only through "Use this reason".
 */
import { useTranslation } from 'react-i18next';
import { reasonIsEnough } from '../store/staffReasons';
import { Button } from './Button';

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm-'];
const MAX_LENGTH = 200;

export function OnScreenKeyboard({
  text,
  onText,
  onDone,
}: {
  text: string;
  onText: (text: string) => void;
  onDone: (use: boolean) => void;
}) {
  const { t } = useTranslation();
  const type = (key: string) => onText((text + key).slice(0, MAX_LENGTH));
  return (
    <div className="overlay">
      <div
        className="dialog keyboard-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="keyboard-title"
      >
        <h2 id="keyboard-title">{t('staff.keyboardTitle')}</h2>
        <div className="field">
          <label htmlFor="keyboard-text" className="visually-hidden">
            {t('staff.reason')}
          </label>
          <input
            id="keyboard-text"
            type="text"
            value={text}
            maxLength={MAX_LENGTH}
            onChange={(e) => onText(e.target.value)}
            aria-describedby="keyboard-hint"
          />
          <small id="keyboard-hint">{t('staff.keyboardHint')}</small>
        </div>
        <div className="keyboard" role="group" aria-label={t('staff.keyboardTitle')}>
          {ROWS.map((row) => (
            <div className="keyboard-row" key={row}>
              {[...row].map((key) => (
                <button key={key} type="button" className="key" onClick={() => type(key)}>
                  {key}
                </button>
              ))}
            </div>
          ))}
          <div className="keyboard-row">
            <button type="button" className="key key-action key-space" onClick={() => type(' ')}>
              {t('staff.space')}
            </button>
            <button
              type="button"
              className="key key-action"
              onClick={() => onText(text.slice(0, -1))}
              aria-label={t('staff.deleteLetter')}
            >
              <span aria-hidden="true">⌫</span>
            </button>
          </div>
        </div>
        <div className="row">
          <Button variant="quiet" onClick={() => onDone(false)}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" disabled={!reasonIsEnough(text)} onClick={() => onDone(true)}>
            {t('staff.keyboardUse')}
          </Button>
        </div>
      </div>
    </div>
  );
}
