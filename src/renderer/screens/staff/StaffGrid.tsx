/**
 * The compartment grid as the locker stands, in the dashboard's state colours with a legend;
 * each cell's visible words are its name for screen readers too.
 */
import { useTranslation } from 'react-i18next';
import type { StaffCompartment } from '../../../shared/ipc/types';
import { COMPARTMENT_STATES } from '../../../shared/domain';
import { useKiosk } from '../../store/kioskStore';

function Cell({
  c,
  selected,
  onSelect,
}: {
  c: StaffCompartment;
  selected: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  const expired = c.content?.kind === 'parcel' && c.content.expired;
  // No aria-label that says something else than the visible words; the commas, inline and
  // without width, are for screen readers only.
  const comma = <span className="cell-sep">, </span>;
  return (
    <button
      type="button"
      className={`cell state-${c.state}${expired ? ' expired' : ''}${selected ? ' selected' : ''}`}
      onClick={onSelect}
      aria-pressed={selected}
      data-compartment={c.id}
    >
      <span className="cell-id">{c.id}</span>
      {comma}
      <span className="cell-size">{c.size}</span>
      {comma}
      <span className="cell-state">
        {expired ? t('staff.expired') : t(`staff.state.${c.state}`)}
      </span>
      {c.doorOpen && (
        <>
          {comma}
          <span className="cell-door">{t('staff.doorIsOpen')}</span>
        </>
      )}
    </button>
  );
}

export function StaffGrid() {
  const { t } = useTranslation();
  const compartments = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.compartments : []));
  const selected = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.selected : null));
  const select = useKiosk((s) => s.staffSelect);
  const columns = [...new Set(compartments.map((c) => c.column))];
  return (
    <div className="staff-grid-side">
      <div className="staff-grid" role="group" aria-label={t('staff.select')}>
        {columns.map((col) => (
          <div className="staff-column" key={col}>
            {compartments
              .filter((c) => c.column === col)
              .map((c) => (
                <Cell
                  key={c.id}
                  c={c}
                  selected={c.id === selected}
                  onSelect={() => select(c.id === selected ? null : c.id)}
                />
              ))}
          </div>
        ))}
      </div>
      <ul className="legend" aria-label={t('staff.legend')}>
        {COMPARTMENT_STATES.map((state) => (
          <li key={state}>
            <span className={`swatch state-${state}`} aria-hidden="true" />
            {t(`staff.state.${state}`)}
          </li>
        ))}
        <li>
          <span className="swatch expired" aria-hidden="true" />
          {t('staff.expired')}
        </li>
      </ul>
    </div>
  );
}
