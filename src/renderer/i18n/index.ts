/** The screens' languages (English, German, Polish), one i18next instance for the app. */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './de';
import { en } from './en';
import { pl } from './pl';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'pl', name: 'Polski' },
] as const;

export function createI18n(language = 'en'): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources: { en: { translation: en }, de: { translation: de }, pl: { translation: pl } },
    interpolation: { escapeValue: false },
    initAsync: false,
    // No advertisement in the console of a kiosk (or in test output).
    showSupportNotice: false,
  });
  return instance;
}
