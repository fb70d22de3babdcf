/**
 * Staff service: the compartment grid with a chosen compartment's actions, recent events in
 * words, and the system's health; every action needs a reason, given by a button or typed on
 * the on-screen keyboard.
 */
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { Notice } from '../components/Notice';
import { OnScreenKeyboard } from '../components/OnScreenKeyboard';
import { useKiosk } from '../store/kioskStore';
import type { StaffTab } from '../store/screens';
import { StaffEvents } from './staff/StaffEvents';
import { StaffGrid } from './staff/StaffGrid';
import { StaffPanel } from './staff/StaffPanel';
import { StaffSystem } from './staff/StaffSystem';

const TABS: StaffTab[] = ['grid', 'events', 'system'];

export function StaffScreen() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const actions = useKiosk.getState();
  if (screen.name !== 'staff') return null;
  return (
    <main className="screen staff">
      <div className="screen-head">
        <h1>{t('staff.title')}</h1>
        <span className="spacer" />
        <Button variant="quiet" onClick={() => void actions.endSession()}>
          {t('common.logout')}
        </Button>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            className="tab"
            aria-selected={screen.tab === tab}
            onClick={() => void actions.staffTab(tab)}
          >
            {t(`staff.tabs.${tab}`)}
          </button>
        ))}
      </div>
      {screen.notice && (
        <Notice tone={screen.notice.tone}>{t(screen.notice.key, screen.notice.params)}</Notice>
      )}
      <div role="tabpanel" className="tabpanel">
        {screen.tab === 'grid' ? (
          <div className="staff-grid-layout">
            <StaffGrid />
            <StaffPanel />
          </div>
        ) : screen.tab === 'events' ? (
          <StaffEvents />
        ) : (
          <StaffSystem />
        )}
      </div>
      {screen.keyboard !== null && (
        <OnScreenKeyboard
          text={screen.keyboard}
          onText={actions.staffKeyboardText}
          onDone={actions.staffKeyboardDone}
        />
      )}
    </main>
  );
}
