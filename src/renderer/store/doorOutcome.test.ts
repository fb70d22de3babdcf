import { describe, expect, it } from 'vitest';
import { de } from '../i18n/de';
import { en } from '../i18n/en';
import { pl } from '../i18n/pl';
import { customerDoorOutcome, depositTone } from './doorOutcome';

const REASONS = ['not_taken', 'no_item', 'door_failed', 'door_unknown', 'inspection', 'not_sent'];
const lookup = (tree: object, key: string): unknown =>
  key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)?.[k], tree);

describe('the outcome decides the message and its colour', () => {
  it('is green only when the door did its job', () => {
    expect(customerDoorOutcome('pickup', true, null)).toMatchObject({
      tone: 'ok',
      title: 'door.thanks',
    });
    expect(customerDoorOutcome('return', true, null)).toMatchObject({
      tone: 'ok',
      title: 'return.receiptTitle',
    });
    for (const reason of ['not_taken', 'no_item', 'door_failed', 'inspection', 'timeout', null])
      for (const purpose of ['pickup', 'return'] as const)
        expect(customerDoorOutcome(purpose, false, reason).tone).not.toBe('ok');
  });

  it('a parcel still inside is a warning, not a thank-you', () => {
    expect(customerDoorOutcome('pickup', false, 'not_taken')).toEqual({
      tone: 'warning',
      title: 'door.stillInside',
      body: 'door.notTaken',
    });
  });

  it('a door that did not open, or doors that cannot be opened, are faults', () => {
    expect(customerDoorOutcome('pickup', false, 'door_failed')).toMatchObject({
      tone: 'error',
      body: 'door.failedPickup',
    });
    expect(customerDoorOutcome('return', false, 'door_failed').body).toBe('door.failedReturn');
    expect(customerDoorOutcome('pickup', false, 'not_sent').tone).toBe('error');
  });

  it("colours a courier's deposit line the same way", () => {
    expect(depositTone('opening', null)).toBeNull();
    expect(depositTone('open', null)).toBeNull();
    expect(depositTone('closed', null)).toBe('ok');
    expect(depositTone('abandoned', 'no_item')).toBe('warning');
    expect(depositTone('abandoned', 'inspection')).toBe('warning');
    expect(depositTone('abandoned', 'door_failed')).toBe('error');
  });

  it('has its words in English, German and Polish', () => {
    const keys = new Set<string>();
    for (const purpose of ['pickup', 'return'] as const)
      for (const reason of [...REASONS, 'timeout', null]) {
        const outcome = customerDoorOutcome(purpose, reason === null, reason);
        keys.add(outcome.title).add(outcome.body);
      }
    for (const [lang, tree] of Object.entries({ en, de, pl }))
      for (const key of keys) expect(typeof lookup(tree, key), `${lang} ${key}`).toBe('string');
  });
});
