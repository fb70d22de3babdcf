import { describe, expect, it } from 'vitest';
import type { CompartmentState, Size } from '../../shared/domain';
import type { ErrorOf } from '../../shared/ipc/contract';
import type { BadgeRejection, Collectable, Diagnostics } from '../../shared/ipc/types';
import type { DoorEndReason, EventType } from '../../shared/eventTypes';
import type { CustomerNotice, HomeNotice, Screen, StaffTab } from '../store/screens';
import { REASON_PRESETS } from '../store/staffReasons';
import { de } from './de';
import { en } from './en';
import { createI18n } from './index';
import { pl } from './pl';

function flatten(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v as object, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const vars = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();

const english = flatten(en);
const languages = { de: flatten(de), pl: flatten(pl) };

/** English keys with the plural forms folded to one base key. */
const bases = new Set([...english.keys()].map((k) => k.replace(PLURAL, '')));
const isPlural = (base: string) => english.has(`${base}_other`);

describe('translations', () => {
  for (const [lang, strings] of Object.entries(languages)) {
    const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;

    it(`${lang} has every English key, none empty, plurals in all of ${lang}'s forms`, () => {
      const missing: string[] = [];
      for (const base of bases) {
        const keys = isPlural(base) ? forms.map((f) => `${base}_${f}`) : [base];
        for (const key of keys) if (!strings.get(key)?.trim()) missing.push(key);
      }
      expect(missing).toEqual([]);
    });

    it(`${lang} has no key English does not know (typos, leftovers)`, () => {
      const extra = [...strings.keys()].filter((k) => !bases.has(k.replace(PLURAL, '')));
      expect(extra).toEqual([]);
    });

    it(`${lang} uses exactly the interpolation variables English does`, () => {
      const wrong: string[] = [];
      for (const [key, text] of strings) {
        const base = key.replace(PLURAL, '');
        const reference = isPlural(base) ? english.get(`${base}_other`) : english.get(key);
        if (reference === undefined) continue;
        if (vars(text).join() !== vars(reference).join())
          wrong.push(`${key}: {${vars(text)}} vs English {${vars(reference)}}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('English plurals have "one" and "other" with {{count}} in each', () => {
    for (const base of [...bases].filter(isPlural))
      for (const f of ['one', 'other'])
        expect(vars(english.get(`${base}_${f}`)!)).toContain('count');
  });

  it('every sentence renders in every language with its variables filled in', () => {
    for (const lang of ['en', 'de', 'pl']) {
      const i18n = createI18n(lang);
      for (const base of bases) {
        const reference = english.get(base) ?? english.get(`${base}_other`)!;
        const params = Object.fromEntries(vars(reference).map((v) => [v, `«${v}»`]));
        for (const count of isPlural(base) ? [1, 2, 5, 22] : [undefined]) {
          const text = i18n.t(base, { ...params, ...(count === undefined ? {} : { count }) });
          expect(text, `${lang} ${base}`).not.toBe(base);
          expect(text, `${lang} ${base}`).not.toMatch(/\{\{|\}\}|undefined/);
          for (const v of vars(reference))
            if (v !== 'count') expect(text, `${lang} ${base}`).toContain(`«${v}»`);
          if (count !== undefined) expect(text, `${lang} ${base}`).toContain(String(count));
        }
      }
    }
  });
});

// The families of keys the screens build from values: each list is checked by the compiler
// against the contract's types, so a new reason or state fails here until it has a sentence.
const all = <T extends string>(r: Record<T, true>) => Object.keys(r) as T[];
const families: Record<string, string[]> = {
  badge: [
    ...all({
      not_a_badge: true,
      bad_signature: true,
      expired: true,
      not_for_this_locker: true,
      revoked: true,
      no_cloud_key: true,
    } satisfies Record<BadgeRejection, true>),
    ...all({ notACourier: true, parcelBeforeLogin: true } satisfies Record<
      Exclude<Extract<Screen, { name: 'courierLogin' }>['notice'], BadgeRejection | null>,
      true
    >),
  ],
  'deposit.error': all({
    not_a_courier: true,
    bad_barcode: true,
    already_deposited: true,
    parcel_cancelled: true,
    size_needed: true,
    no_such_deposit: true,
    no_larger_compartment: true,
    door_failed: true,
    no_compartment_fits: true,
    no_free_compartment: true,
    door_unknown: true,
    doors_unavailable: true,
    close_door_first: true,
    door_not_open: true,
    door_was_open: true,
    not_logged_in: true,
    not_allowed: true,
    invalid_input: true,
    internal_error: true,
    storage_full: true,
    unavailable: true,
  } satisfies Record<
    ErrorOf<'deposit:start' | 'deposit:doesntFit' | 'deposit:doorDidNotOpen'>['reason'],
    true
  >),
  'collection.error': all({
    not_authorized: true,
    nothing_to_collect: true,
    door_busy: true,
    door_failed: true,
    not_in_an_open_compartment: true,
    door_unknown: true,
    doors_unavailable: true,
    not_logged_in: true,
    not_allowed: true,
    invalid_input: true,
    internal_error: true,
    storage_full: true,
    unavailable: true,
  } satisfies Record<
    ErrorOf<'collection:list' | 'collection:open' | 'collection:scanOut'>['reason'],
    true
  >),
  'staff.error': all({
    not_staff: true,
    reason_required: true,
    no_such_compartment: true,
    door_busy: true,
    door_failed: true,
    not_out_of_service: true,
    item_sensed: true,
    door_unknown: true,
    doors_unavailable: true,
    not_logged_in: true,
    not_allowed: true,
    invalid_input: true,
    internal_error: true,
    storage_full: true,
    unavailable: true,
  } satisfies Record<
    ErrorOf<'staff:openDoor' | 'staff:setService' | 'staff:openAllExpired'>['reason'],
    true
  >),
  notice: all({
    codeInvalid: true,
    parcelExpired: true,
    doorFailed: true,
    doorUnknown: true,
    doorsUnavailable: true,
    storageFull: true,
    unavailable: true,
    noSpace: true,
  } satisfies Record<CustomerNotice | 'noSpace', true>),
  'staff.state': all({
    available: true,
    reserved: true,
    occupied: true,
    out_of_service: true,
  } satisfies Record<CompartmentState, true>),
  'staff.scannerState': all({
    connected: true,
    disconnected: true,
    none: true,
  } satisfies Record<Diagnostics['scanner'], true>),
  'staff.tabs': all({ grid: true, events: true, system: true } satisfies Record<StaffTab, true>),
  size: all({ S: true, M: true, L: true, XL: true } satisfies Record<Size, true>),
  collection: all({ expired_parcel: true, return: true } satisfies Record<
    Collectable['kind'],
    true
  >),
  home: all({ sessionExpired: true, idle: true } satisfies Record<HomeNotice, true>),
  // Every event type the locker records has words (keys nest at the type's dot).
  eventType: all({
    'device.started': true,
    'compartment.added': true,
    'compartment.removed': true,
    'compartment.out_of_service': true,
    'compartment.in_service': true,
    'compartment.door_failed': true,
    'compartment.rewired': true,
    'compartment.foreign_item': true,
    'parcel.expected': true,
    'parcel.cancelled': true,
    'parcel.merged': true,
    'parcel.code_set': true,
    'parcel.extended': true,
    'deposit.reserved': true,
    'deposit.released': true,
    'parcel.deposited': true,
    'pickup.authorized': true,
    'pickup.abandoned': true,
    'parcel.picked_up': true,
    'parcel.expired': true,
    'parcel.collected': true,
    'return.expected': true,
    'return.reserved': true,
    'return.released': true,
    'return.deposited': true,
    'return.collected': true,
    'collection.opened': true,
    'lock.pulsed': true,
    'door.opened': true,
    'door.closed': true,
    'door.jammed': true,
    'door.opened_unexpectedly': true,
    'door.closed_unexpectedly': true,
    'door.outcome_unknown': true,
    'door.inspection': true,
    'staff.door_opened': true,
    'staff.login': true,
    'badge.rejected': true,
    'security.code_rejected': true,
    'security.throttled': true,
    'security.qr_rejected': true,
    'hardware.fault': true,
    'hardware.recovered': true,
    'storage.low': true,
    'storage.recovered': true,
    'reconcile.resolved': true,
    'command.result': true,
    'command.rejected_unverified': true,
    'cloud.rewind_unservable': true,
    'clock.skew': true,
    'config.updated': true,
  } satisfies Record<EventType, true>),
  // Reason codes: staff's presets and the ones the locker writes (why a door operation ended,
  // what showed a door jammed).
  reason: [
    ...REASON_PRESETS,
    ...all({
      door_failed: true,
      timeout: true,
      not_taken: true,
      no_item: true,
      doesnt_fit: true,
      cancelled: true,
      reconciled: true,
      not_sent: true,
      inspection: true,
    } satisfies Record<DoorEndReason, true>),
    'jammed',
    'no_answer',
    'not_opened',
    'reported_by_courier',
    'reported_by_customer',
    'unreadable',
    'refused',
  ],
  pickup: ['title', 'instructions', 'open'],
  return: ['title', 'instructions', 'open'],
};

// The renderer's own source, as text (a Vite feature: the renderer has no file system).
const sources = import.meta.glob(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../i18n/*'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('keys the screens use', () => {
  it('reads the screens’ source (the scan below is not vacuous)', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
  });

  it('every literal key in t(…) and in a notice exists in English', () => {
    const used = new Set<string>();
    for (const text of Object.values(sources))
      for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'|\bkey: '([\w.]+)'/g))
        used.add(m[1] ?? m[2]!);
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !bases.has(k))).toEqual([]);
  });

  it('every key built from a template names a family listed here', () => {
    const families_ = new Set<string>();
    for (const text of Object.values(sources))
      for (const m of text.matchAll(/\bt\(\s*`([^`]*)`|\bkey: `([^`]*)`/g)) {
        const template = (m[1] ?? m[2]!).replace(/\.?\$\{[^}]+\}\.?/g, '.').replace(/^\.|\.$/g, '');
        families_.add(template);
      }
    expect(families_.size).toBeGreaterThanOrEqual(10);
    // `${purpose}.title` reduces to "title": the pickup/return family.
    const known = new Set([...Object.keys(families), 'title', 'instructions', 'open']);
    expect([...families_].filter((f) => !known.has(f))).toEqual([]);
  });

  it('every member of each family has a sentence in English', () => {
    const missing = Object.entries(families).flatMap(([family, members]) =>
      members.map((m) => `${family}.${m}`).filter((k) => !bases.has(k)),
    );
    expect(missing).toEqual([]);
  });
});
