/**
 * What the customer reads, in their language (EN/DE/PL, the kiosk's: src/renderer/i18n, whose
 * wording is reused where it fits): the notifications and the status page.
 */
import type { CustomerLanguage, NotificationKind } from '../../src/shared/rest/schemas';

export interface NoticeFacts {
  hi: string;
  /** "parcel TRK…" in the language. */
  what: string;
  locker: string;
  /** " until <time>" or "". */
  until: string;
  code: string;
  orScan: string;
  /** " Follow it: <url>" or "". */
  link: string;
}

type Notice = Exclude<NotificationKind, 'return_code'>;

export interface ReturnFacts {
  hi: string;
  locker: string;
  size: string;
  code: string;
  orScan: string;
}
type Words = {
  hello: string;
  parcel: (barcode: string | null) => string;
  until: (time: string) => string;
  orScan: string;
  follow: (url: string) => string;
  notices: Record<Notice, (f: NoticeFacts) => { subject: string; text: string }>;
  returnCode: (f: ReturnFacts) => { subject: string; text: string };
  page: PageWords;
};

export interface PageWords {
  title: string;
  where: string;
  code: string;
  qr: string;
  until: string;
  online: string;
  offline: string;
  worksOffline: string;
  resend: string;
  resent: string;
  tooMany: string;
  states: Record<string, string>;
}

const EN: Words = {
  hello: 'Hello',
  parcel: (b) => `parcel ${b ?? ''}`.trim(),
  until: (t) => ` until ${t}`,
  orScan: ' (or scan the QR code)',
  follow: (url) => ` Follow it: ${url}`,
  notices: {
    pickup_code: (f) => ({
      subject: `Your ${f.what} is ready at ${f.locker}`,
      text: `${f.hi}, your ${f.what} is waiting at ${f.locker}${f.until}. Pickup code: ${f.code}${f.orScan}.${f.link}`,
    }),
    reminder: (f) => ({
      subject: `Reminder: your ${f.what} is waiting`,
      text: `${f.hi}, your ${f.what} is still waiting at ${f.locker}${f.until}.${f.link}`,
    }),
    expiry_warning: (f) => ({
      subject: `Last day to collect your ${f.what}`,
      text: `${f.hi}, your ${f.what} at ${f.locker} will be returned to the sender if it is not collected${f.until}.${f.link}`,
    }),
    expired: (f) => ({
      subject: `Your ${f.what} was not collected`,
      text: `${f.hi}, the holding period of your ${f.what} at ${f.locker} has ended; it goes back to the sender. Contact support if you still need it.`,
    }),
    picked_up: (f) => ({
      subject: `Your ${f.what} was picked up`,
      text: `${f.hi}, your ${f.what} was picked up from ${f.locker}. Thank you.`,
    }),
  },
  returnCode: (f) => ({
    subject: `Your return code for ${f.locker}`,
    text: `${f.hi}, drop your return (size ${f.size}) at ${f.locker} with code ${f.code}${f.orScan}.`,
  }),
  page: {
    title: 'Your parcel',
    where: 'Locker',
    code: 'Pickup code',
    qr: 'Or hold this QR code under the scanner',
    until: 'Collect it by',
    online: 'Online',
    offline: 'Offline',
    worksOffline: 'Works offline too: your code opens the door',
    resend: 'Send my code again',
    resent: 'Sent again.',
    tooMany: 'Sent too often; please try again later.',
    states: {
      expected: 'On its way to the locker',
      deposited: 'Waiting for you in the locker',
      picked_up: 'Picked up',
      expired: 'Not collected in time; going back to the sender',
      collected: 'Back on its way to the sender',
      cancelled: 'Cancelled',
    },
  },
};

const DE: Words = {
  hello: 'Hallo',
  parcel: (b) => `Paket ${b ?? ''}`.trim(),
  until: (t) => ` bis ${t}`,
  orScan: ' (oder den QR-Code scannen)',
  follow: (url) => ` Sendungsstatus: ${url}`,
  notices: {
    pickup_code: (f) => ({
      subject: `Ihr ${f.what} liegt bereit: ${f.locker}`,
      text: `${f.hi}, Ihr ${f.what} wartet${f.until} in ${f.locker}. Abholcode: ${f.code}${f.orScan}.${f.link}`,
    }),
    reminder: (f) => ({
      subject: `Erinnerung: Ihr ${f.what} wartet`,
      text: `${f.hi}, Ihr ${f.what} wartet noch${f.until} in ${f.locker}.${f.link}`,
    }),
    expiry_warning: (f) => ({
      subject: `Letzter Tag für Ihr ${f.what}`,
      text: `${f.hi}, Ihr ${f.what} in ${f.locker} geht an den Absender zurück, wenn es nicht${f.until} abgeholt wird.${f.link}`,
    }),
    expired: (f) => ({
      subject: `Ihr ${f.what} wurde nicht abgeholt`,
      text: `${f.hi}, die Abholfrist für Ihr ${f.what} in ${f.locker} ist abgelaufen; es geht an den Absender zurück. Wenden Sie sich an den Kundenservice, wenn Sie es noch brauchen.`,
    }),
    picked_up: (f) => ({
      subject: `Ihr ${f.what} wurde abgeholt`,
      text: `${f.hi}, Ihr ${f.what} wurde in ${f.locker} abgeholt. Vielen Dank.`,
    }),
  },
  returnCode: (f) => ({
    subject: `Ihr Retourencode für ${f.locker}`,
    text: `${f.hi}, geben Sie Ihre Retoure (Größe ${f.size}) in ${f.locker} mit dem Code ${f.code} ab${f.orScan}.`,
  }),
  page: {
    title: 'Ihr Paket',
    where: 'Paketautomat',
    code: 'Abholcode',
    qr: 'Oder halten Sie diesen QR-Code unter den Scanner',
    until: 'Abholen bis',
    online: 'Online',
    offline: 'Offline',
    worksOffline: 'Funktioniert auch offline: Ihr Code öffnet die Tür',
    resend: 'Code erneut senden',
    resent: 'Erneut gesendet.',
    tooMany: 'Zu oft gesendet; bitte später noch einmal versuchen.',
    states: {
      expected: 'Unterwegs zum Paketautomaten',
      deposited: 'Wartet im Paketautomaten auf Sie',
      picked_up: 'Abgeholt',
      expired: 'Nicht rechtzeitig abgeholt; geht an den Absender zurück',
      collected: 'Auf dem Weg zurück zum Absender',
      cancelled: 'Storniert',
    },
  },
};

const PL: Words = {
  hello: 'Dzień dobry',
  parcel: (b) => `paczka ${b ?? ''}`.trim(),
  until: (t) => ` do ${t}`,
  orScan: ' (lub zeskanuj kod QR)',
  follow: (url) => ` Status przesyłki: ${url}`,
  notices: {
    pickup_code: (f) => ({
      subject: `Twoja ${f.what} czeka: ${f.locker}`,
      text: `${f.hi}, Twoja ${f.what} czeka w ${f.locker}${f.until}. Kod odbioru: ${f.code}${f.orScan}.${f.link}`,
    }),
    reminder: (f) => ({
      subject: `Przypomnienie: Twoja ${f.what} czeka`,
      text: `${f.hi}, Twoja ${f.what} nadal czeka w ${f.locker}${f.until}.${f.link}`,
    }),
    expiry_warning: (f) => ({
      subject: `Ostatni dzień na odbiór: ${f.what}`,
      text: `${f.hi}, Twoja ${f.what} w ${f.locker} wróci do nadawcy, jeśli nie zostanie odebrana${f.until}.${f.link}`,
    }),
    expired: (f) => ({
      subject: `Twoja ${f.what} nie została odebrana`,
      text: `${f.hi}, czas odbioru: ${f.what} w ${f.locker} minął; wraca do nadawcy. Skontaktuj się z obsługą klienta, jeśli nadal jej potrzebujesz.`,
    }),
    picked_up: (f) => ({
      subject: `Twoja ${f.what} została odebrana`,
      text: `${f.hi}, Twoja ${f.what} została odebrana z ${f.locker}. Dziękujemy.`,
    }),
  },
  returnCode: (f) => ({
    subject: `Twój kod zwrotu: ${f.locker}`,
    text: `${f.hi}, nadaj zwrot (rozmiar ${f.size}) w ${f.locker} kodem ${f.code}${f.orScan}.`,
  }),
  page: {
    title: 'Twoja paczka',
    where: 'Paczkomat',
    code: 'Kod odbioru',
    qr: 'Lub przyłóż ten kod QR do skanera',
    until: 'Odbierz do',
    online: 'Online',
    offline: 'Offline',
    worksOffline: 'Działa także offline: Twój kod otwiera drzwiczki',
    resend: 'Wyślij kod ponownie',
    resent: 'Wysłano ponownie.',
    tooMany: 'Zbyt wiele prób; spróbuj ponownie później.',
    states: {
      expected: 'W drodze do paczkomatu',
      deposited: 'Czeka na Ciebie w paczkomacie',
      picked_up: 'Odebrana',
      expired: 'Nieodebrana w terminie; wraca do nadawcy',
      collected: 'W drodze powrotnej do nadawcy',
      cancelled: 'Anulowana',
    },
  },
};

export const CUSTOMER_WORDS: Record<CustomerLanguage, Words> = { en: EN, de: DE, pl: PL };
