/** The kiosk's frame: status bar, the open screen, language and text size, the idle warning. */
import { useEffect } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n } from 'i18next';
import { IdleWarning } from './components/IdleWarning';
import { SettingsBar } from './components/SettingsBar';
import { StatusBar } from './components/StatusBar';
import { CodeEntryScreen } from './screens/CodeEntryScreen';
import { CollectionScreen } from './screens/CollectionScreen';
import { CourierLoginScreen } from './screens/CourierLoginScreen';
import { CourierScreen } from './screens/CourierScreen';
import { CustomerDoorScreen } from './screens/CustomerDoorScreen';
import { HomeScreen } from './screens/HomeScreen';
import { StaffScreen } from './screens/StaffScreen';
import { useKiosk } from './store/kioskStore';

function CurrentScreen() {
  const name = useKiosk((s) => s.screen.name);
  switch (name) {
    case 'home':
      return <HomeScreen />;
    case 'pickup':
      return <CodeEntryScreen purpose="pickup" />;
    case 'return':
      return <CodeEntryScreen purpose="return" />;
    case 'customerDoor':
      return <CustomerDoorScreen />;
    case 'courierLogin':
      return <CourierLoginScreen />;
    case 'courier':
      return <CourierScreen />;
    case 'collection':
      return <CollectionScreen />;
    case 'staff':
      return <StaffScreen />;
  }
}

function Frame() {
  const { i18n } = useTranslation();
  const language = useKiosk((s) => s.language);
  const largeText = useKiosk((s) => s.largeText);
  const activity = useKiosk((s) => s.activity);
  useEffect(() => {
    void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);
  return (
    <div
      className={`kiosk${largeText ? ' large-text' : ''}`}
      onPointerDownCapture={activity}
      onKeyDownCapture={activity}
    >
      <StatusBar />
      <CurrentScreen />
      <SettingsBar />
      <IdleWarning />
    </div>
  );
}

export function App({ i18n }: { i18n: i18n }) {
  return (
    <I18nextProvider i18n={i18n}>
      <Frame />
    </I18nextProvider>
  );
}
