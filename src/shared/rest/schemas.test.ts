import { describe, expect, it } from 'vitest';
import {
  AllocationRequestSchema,
  EnrollResponseSchema,
  LockerSearchQuerySchema,
  ProvisionLockerRequestSchema,
} from './schemas';

describe('REST schemas', () => {
  it('read query-string numbers strictly', () => {
    expect(LockerSearchQuerySchema.parse({ lat: '52.5', lng: '-13', limit: '3' })).toEqual({
      lat: 52.5,
      lng: -13,
      limit: 3,
    });
    expect(LockerSearchQuerySchema.parse({})).toEqual({ limit: 10 });
    for (const bad of [
      { lat: '', lng: '1' },
      { lat: '1e3', lng: '1' },
      { lat: '0x10', lng: '1' },
    ]) {
      expect(LockerSearchQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('fill allocation defaults and need a way to reach the customer', () => {
    const base = {
      lockerId: 'L-1',
      parcelId: 'P-1',
      trackingBarcode: 'TRK0001',
      dimensions: { lengthMm: 10, widthMm: 10, heightMm: 10 },
      weightG: 10,
    };
    const ok = AllocationRequestSchema.parse({
      ...base,
      customer: { name: 'A', email: 'a@b.org' },
    });
    expect(ok).toMatchObject({ accessible: false, holdDays: 3 });
    const none = AllocationRequestSchema.safeParse({ ...base, customer: { name: 'A' } });
    expect(none.error?.issues.map((i) => i.path.join('.'))).toEqual(['customer.phone']);
  });

  it('refuse duplicate compartment ids at the offending index', () => {
    const c = {
      size: 'S',
      inner: { lengthMm: 1, widthMm: 1, heightMm: 1 },
      maxWeightG: 1,
      lowerDoor: false,
    };
    const r = ProvisionLockerRequestSchema.safeParse({
      id: 'L-1',
      name: 'n',
      address: 'a',
      lat: 0,
      lng: 0,
      compartments: [
        { id: 'A1', ...c },
        { id: 'B1', ...c },
        { id: 'A1', ...c },
      ],
    });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['compartments.2.id']);
  });

  it('accept only a usable enrolment answer', () => {
    const good = {
      lockerId: 'L-1',
      cloudPublicKey: 'A'.repeat(43),
      mqtt: { url: 'mqtt://127.0.0.1:1883', topicPrefix: 'locker/v1' },
    };
    expect(EnrollResponseSchema.safeParse(good).success).toBe(true);
    expect(
      EnrollResponseSchema.safeParse({ ...good, mqtt: { ...good.mqtt, url: 'http://x' } }).success,
    ).toBe(false);
  });
});
