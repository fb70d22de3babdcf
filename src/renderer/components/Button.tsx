/** The kiosk's button: at least 64 px high, a clear label, no hover-only meaning. */
import type { ReactNode } from 'react';

export interface ButtonProps {
  children: ReactNode;
  onClick: () => void;
  variant?: 'primary' | 'secondary' | 'quiet' | 'danger';
  disabled?: boolean;
  /** Only when the visible text is not the whole name (an icon, a digit). */
  label?: string;
  hint?: string;
  /** A decorative picture above the label (big tiles). */
  icon?: ReactNode;
  wide?: boolean;
  pressed?: boolean;
  testId?: string;
}

export function Button({
  children,
  onClick,
  variant = 'secondary',
  disabled,
  label,
  hint,
  icon,
  wide,
  pressed,
  testId,
}: ButtonProps) {
  return (
    <button
      type="button"
      className={`btn btn-${variant}${wide ? ' btn-wide' : ''}${hint ? ' btn-hinted' : ''}`}
      onClick={onClick}
      disabled={disabled}
      aria-label={label}
      aria-pressed={pressed}
      data-testid={testId}
    >
      {icon && (
        <span className="btn-icon" aria-hidden="true">
          {icon}
        </span>
      )}
      <span className="btn-text">{children}</span>
      {hint && <span className="btn-hint">{hint}</span>}
    </button>
  );
}
