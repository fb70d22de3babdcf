import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EventBodySchema,
  GENESIS_HASH,
  MAX_PAYLOAD_DEPTH,
  SignedEventSchema,
  isJsonObject,
} from './events';
import type { EventBody } from './events';

const body: EventBody = {
  v: 1,
  lockerId: 'LKR-0001',
  seq: 1,
  type: 'parcel.deposited',
  at: '2025-03-04T05:06:07.089Z',
  payload: { parcelId: 'P1', compartment: { board: 1, lock: 3 }, tags: ['a', null, 2.5] },
  prevHash: GENESIS_HASH,
};
const signed = { ...body, hash: 'ab'.repeat(32), sig: `${'A'.repeat(85)}w` };

const withBody = (patch: Record<string, unknown>) => ({ ...body, ...patch });

describe('event envelope', () => {
  it('GENESIS_HASH is 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('accepts a well-formed body and signed event', () => {
    expect(EventBodySchema.parse(body)).toEqual(body);
    expect(SignedEventSchema.parse(signed)).toEqual(signed);
  });

  it.each([
    ['an unknown field', { extra: 1 }],
    ['version 2', { v: 2 }],
    ['seq 0', { seq: 0 }],
    ['a fractional seq', { seq: 1.5 }],
    ['an unsafe seq', { seq: 2 ** 53 }],
    ['an undotted type', { type: 'deposited' }],
    ['an upper-case type', { type: 'Parcel.Deposited' }],
    ['a time without ms', { at: '2025-03-04T05:06:07Z' }],
    ['a time with an offset', { at: '2025-03-04T05:06:07.089+01:00' }],
    ['an upper-case prevHash', { prevHash: 'AB'.repeat(32) }],
    ['a short prevHash', { prevHash: '0'.repeat(63) }],
    ['an empty lockerId', { lockerId: '' }],
    ['a lockerId with a topic separator', { lockerId: 'a/b' }],
    ['an array payload', { payload: [1] }],
    ['a NaN in the payload', { payload: { n: Number.NaN } }],
    ['an Infinity in the payload', { payload: { n: Number.POSITIVE_INFINITY } }],
    ['an undefined in the payload', { payload: { n: undefined } }],
    ['a Date in the payload', { payload: { d: new Date(0) } }],
    ['a lone surrogate in the payload', { payload: { s: '\uD800x' } }],
    ['a lone surrogate in a payload key', { payload: { ['\uDC00']: 1 } }],
    ['a __proto__ key in the payload', { payload: JSON.parse('{"__proto__":{"x":1}}') }],
  ])('rejects a body with %s', (_name, patch) => {
    expect(EventBodySchema.safeParse(withBody(patch)).success).toBe(false);
  });

  it('rejects a payload nested deeper than the limit', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < MAX_PAYLOAD_DEPTH + 1; i++) deep = { d: deep };
    expect(EventBodySchema.safeParse(withBody({ payload: deep })).success).toBe(false);
  });

  it.each([
    ['a missing sig', { sig: undefined }],
    ['a padded sig', { sig: `${'A'.repeat(86)}==` }],
    ['a non-canonical sig spelling', { sig: `${'A'.repeat(85)}x` }],
    ['a 65-byte sig', { sig: 'A'.repeat(87) }],
    ['an upper-case hash', { hash: 'AB'.repeat(32) }],
  ])('rejects a signed event with %s', (_name, patch) => {
    expect(SignedEventSchema.safeParse({ ...signed, ...patch }).success).toBe(false);
  });

  it('accepts any JSON object', () => {
    const payload = fc
      .dictionary(fc.string(), fc.jsonValue())
      .filter((value) => !JSON.stringify(value).includes('"__proto__"'));
    fc.assert(
      fc.property(payload, (value) => {
        expect(isJsonObject(value)).toBe(true);
        expect(isJsonObject(JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
  });
});
