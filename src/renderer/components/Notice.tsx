/** A sentence for the person at the screen, announced to screen readers as it appears. */
import type { ReactNode } from 'react';

export function Notice({
  tone,
  title,
  children,
}: {
  tone: 'ok' | 'error' | 'info' | 'warning';
  title?: string;
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <strong className="notice-title">{title}</strong>}
      <span>{children}</span>
    </div>
  );
}
