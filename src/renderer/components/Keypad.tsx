/** The large on-screen keypad for pickup and return codes, with the code shown above it. */
import { useTranslation } from 'react-i18next';

/**
 * `length`: the boxes shown empty, the locker's current code length; a longer code adds more.
 * `rejected`: the code shown was just refused, and stays to be compared with the message.
 */
export function CodeDisplay({
  code,
  length,
  rejected = false,
}: {
  code: string;
  length: number;
  rejected?: boolean;
}) {
  const { t } = useTranslation();
  const cells = Math.max(length, code.length);
  return (
    <div
      className={`code-display${rejected ? ' rejected' : ''}`}
      role="status"
      aria-label={t('keypad.entered')}
      aria-live="polite"
      data-testid="code-display"
    >
      {Array.from({ length: cells }, (_, i) => (
        <span key={i} className={`code-cell${i < code.length ? ' filled' : ''}`} aria-hidden="true">
          {code[i] ?? ''}
        </span>
      ))}
      <span className="visually-hidden">
        {code.length > 0 ? code.split('').join(' ') : t('keypad.empty')}
        {rejected ? ` (${t('keypad.rejected')})` : ''}
      </span>
    </div>
  );
}

export function Keypad({
  onDigit,
  onClear,
  onBack,
  disabled,
}: {
  onDigit: (digit: string) => void;
  onClear: () => void;
  onBack: () => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const digit = (d: string) => (
    <button
      key={d}
      type="button"
      className="key"
      onClick={() => onDigit(d)}
      disabled={disabled}
      aria-label={t('keypad.digit', { digit: d })}
    >
      {d}
    </button>
  );
  return (
    <div className="keypad">
      {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(digit)}
      <button type="button" className="key key-action" onClick={onClear} disabled={disabled}>
        {t('keypad.clear')}
      </button>
      {digit('0')}
      <button
        type="button"
        className="key key-action"
        onClick={onBack}
        disabled={disabled}
        aria-label={t('keypad.delete')}
      >
        <span aria-hidden="true">⌫</span>
      </button>
    </div>
  );
}
