/** Recent events in words: when, what happened, which door, why and who; details below. */
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../../store/kioskStore';
import { eventInWords, reasonInWords } from './words';

export function StaffEvents() {
  const events = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.events : []));
  const { t, i18n } = useTranslation();
  const fmt = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  return (
    // Focusable, so a keyboard can scroll it (the list is longer than the screen).
    <ol
      className="events"
      data-testid="recent-events"
      tabIndex={0}
      aria-label={t('staff.tabs.events')}
    >
      {events.map((e) => (
        <li key={e.seq} data-type={e.type}>
          <time dateTime={e.at}>{fmt.format(Date.parse(e.at))}</time>
          <strong>{eventInWords(e.type, t)}</strong>
          <span className="event-facts">
            {[e.compartmentId, e.reason && reasonInWords(e.reason, t), e.actor]
              .filter(Boolean)
              .join(' · ')}
          </span>
          {/* The details, for support: the record's number and type, and the rest it says. */}
          <span className="summary">
            {[`#${e.seq}`, e.type, e.summary].filter(Boolean).join(' · ')}
          </span>
        </li>
      ))}
    </ol>
  );
}
