/** The renderer's entry: find the shell's API, subscribe once, catch wedge scans, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { resolveKioskApi } from './api/resolveApi';
import { createI18n } from './i18n';
import { useKiosk } from './store/kioskStore';
import { subscribeToKiosk } from './store/subscriptions';
import { attachWedgeInput } from './store/wedgeInput';
import './styles.css';

const api = resolveKioskApi();
subscribeToKiosk(api);
attachWedgeInput(window, {
  onScan: (text) => void useKiosk.getState().handleScan(text),
  onKeys: (keys) => {
    for (const key of keys) useKiosk.getState().typeDigit(key);
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App i18n={createI18n()} />
  </StrictMode>,
);
