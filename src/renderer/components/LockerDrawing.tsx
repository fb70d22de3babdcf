/**
 * The front of the locker: one column per id letter, doors stacked by number, each as tall as
 * its compartment. The door in use is lit so the person finds it at a glance.
 */
import { useTranslation } from 'react-i18next';
import type { LockerLayout } from '../../shared/ipc/types';

export function LockerDrawing({
  layout,
  highlight,
}: {
  layout: LockerLayout | null;
  highlight?: string | null;
}) {
  const { t } = useTranslation();
  if (!layout) return null;
  return (
    <figure
      className="locker"
      role="img"
      aria-label={highlight ? t('locker.highlighted', { id: highlight }) : t('locker.drawing')}
    >
      {layout.columns.map((column) => (
        <div className="locker-column" key={column} aria-hidden="true">
          {layout.compartments
            .filter((c) => c.column === column)
            .map((c) => (
              <div
                key={c.id}
                className={`locker-door${c.id === highlight ? ' lit' : ''}${c.state === 'out_of_service' ? ' oos' : ''}`}
                style={{ flexGrow: c.heightMm }}
                data-compartment={c.id}
              >
                <span>{c.id}</span>
              </div>
            ))}
        </div>
      ))}
    </figure>
  );
}
