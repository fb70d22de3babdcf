import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIZES, sizeRank, type Size } from '../../shared/domain';
import { chooseCompartment, fits, type CompartmentCandidate } from './allocation';

const heights: Record<Size, number> = { S: 90, M: 190, L: 390, XL: 640 };
const slot = (
  id: string,
  size: Size,
  extra: Partial<CompartmentCandidate> = {},
): CompartmentCandidate => ({
  id,
  size,
  inner: { lengthMm: 600, widthMm: 400, heightMm: heights[size] },
  maxWeightG: 20_000,
  lowerDoor: false,
  state: 'available',
  doorOpen: false,
  lastUsedAt: null,
  ...extra,
});
const parcel = (h: number, extra: { accessible?: boolean; weightG?: number } = {}) => ({
  dimensions: { lengthMm: 300, widthMm: 200, heightMm: h },
  weightG: extra.weightG ?? 1000,
  accessible: extra.accessible ?? false,
});
const chosen = (r: ReturnType<typeof chooseCompartment>) => (r.ok ? r.value.id : r.error.reason);

describe('fit', () => {
  it('compares sorted dimensions, so a parcel may lie on any side', () => {
    const c = { inner: { lengthMm: 100, widthMm: 500, heightMm: 300 }, maxWeightG: 5000 };
    expect(
      fits({ dimensions: { lengthMm: 480, widthMm: 90, heightMm: 290 }, weightG: 10 }, c),
    ).toBe(true);
    expect(
      fits({ dimensions: { lengthMm: 480, widthMm: 90, heightMm: 110 }, weightG: 10 }, c),
    ).toBe(true);
    expect(
      fits({ dimensions: { lengthMm: 480, widthMm: 110, heightMm: 110 }, weightG: 10 }, c),
    ).toBe(false);
    expect(
      fits({ dimensions: { lengthMm: 480, widthMm: 310, heightMm: 110 }, weightG: 10 }, c),
    ).toBe(false);
    expect(
      fits({ dimensions: { lengthMm: 10, widthMm: 10, heightMm: 10 }, weightG: 5001 }, c),
    ).toBe(false);
  });
});

describe('allocation policy', () => {
  it('takes the smallest size that fits', () => {
    const all = [slot('X1', 'XL'), slot('L1', 'L'), slot('M1', 'M'), slot('S1', 'S')];
    expect(chosen(chooseCompartment({ parcel: parcel(50), compartments: all, expected: [] }))).toBe(
      'S1',
    );
    expect(
      chosen(chooseCompartment({ parcel: parcel(150), compartments: all, expected: [] })),
    ).toBe('M1');
    expect(
      chosen(chooseCompartment({ parcel: parcel(700), compartments: all, expected: [] })),
    ).toBe('no_compartment_fits');
  });

  it('does not take the last compartment of a size an expected parcel needs while a larger one is free', () => {
    const all = [slot('S1', 'S'), slot('M1', 'M')];
    expect(
      chosen(chooseCompartment({ parcel: parcel(50), compartments: all, expected: [parcel(50)] })),
    ).toBe('M1');
    expect(chosen(chooseCompartment({ parcel: parcel(50), compartments: all, expected: [] }))).toBe(
      'S1',
    );
    // With no larger one free, the parcel at the keypad takes the small one anyway.
    expect(
      chosen(
        chooseCompartment({
          parcel: parcel(50),
          compartments: [slot('S1', 'S')],
          expected: [parcel(50)],
        }),
      ),
    ).toBe('S1');
  });

  it('prefers lower doors for accessible parcels and avoids them otherwise', () => {
    const all = [slot('A1', 'S'), slot('A8', 'S', { lowerDoor: true })];
    expect(
      chosen(
        chooseCompartment({
          parcel: parcel(50, { accessible: true }),
          compartments: all,
          expected: [],
        }),
      ),
    ).toBe('A8');
    expect(chosen(chooseCompartment({ parcel: parcel(50), compartments: all, expected: [] }))).toBe(
      'A1',
    );
  });

  it('spreads wear: the least recently used compartment first', () => {
    const all = [
      slot('A1', 'S', { lastUsedAt: 300 }),
      slot('A2', 'S', { lastUsedAt: 100 }),
      slot('A3', 'S', { lastUsedAt: 200 }),
    ];
    expect(chosen(chooseCompartment({ parcel: parcel(50), compartments: all, expected: [] }))).toBe(
      'A2',
    );
  });

  it('skips compartments that are taken, out of service, open, excluded or too small after "doesn\'t fit"', () => {
    const all = [
      slot('S1', 'S', { state: 'occupied' }),
      slot('S2', 'S', { state: 'out_of_service' }),
      slot('S3', 'S', { doorOpen: true }),
      slot('S4', 'S'),
      slot('M1', 'M'),
    ];
    expect(
      chosen(
        chooseCompartment({
          parcel: parcel(50),
          compartments: all,
          expected: [],
          exclude: new Set(['S4']),
        }),
      ),
    ).toBe('M1');
    expect(
      chosen(
        chooseCompartment({ parcel: parcel(50), compartments: all, expected: [], largerThan: 'S' }),
      ),
    ).toBe('M1');
    expect(
      chooseCompartment({ parcel: parcel(50), compartments: all.slice(0, 3), expected: [] }),
    ).toEqual({
      ok: false,
      error: { reason: 'no_free_compartment', size: 'S' },
    });
  });

  it('always returns a free compartment that fits, never a smaller size than needed', () => {
    const candidate = fc.record({
      size: fc.constantFrom(...SIZES),
      state: fc.constantFrom('available', 'reserved', 'occupied', 'out_of_service' as const),
      lowerDoor: fc.boolean(),
      doorOpen: fc.boolean(),
      lastUsedAt: fc.option(fc.nat(1000)),
    });
    fc.assert(
      fc.property(
        fc.array(candidate, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 700 }),
        fc.boolean(),
        (cs, h, accessible) => {
          const compartments = cs.map((c, i) =>
            slot(`C${i}`, c.size, { ...c, state: c.state as CompartmentCandidate['state'] }),
          );
          const p = parcel(h, { accessible });
          const r = chooseCompartment({ parcel: p, compartments, expected: [] });
          const free = compartments.filter(
            (c) => c.state === 'available' && !c.doorOpen && fits(p, c),
          );
          if (!r.ok) return free.length === 0;
          const smallest = Math.min(...free.map((c) => sizeRank(c.size)));
          return (
            r.value.state === 'available' &&
            !r.value.doorOpen &&
            fits(p, r.value) &&
            sizeRank(r.value.size) === smallest
          );
        },
      ),
    );
  });
});
