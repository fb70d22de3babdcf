import { describe, expect, it } from 'vitest';
import { COMPARTMENT_STATES, PARCEL_STATES, RETURN_STATES } from '../../shared/domain';
import { compartmentTransition, parcelTransition, returnTransition } from './stateMachines';

describe('compartment life cycle', () => {
  it('goes available → reserved → occupied → available', () => {
    expect(compartmentTransition('available', 'reserve')).toEqual({ ok: true, value: 'reserved' });
    expect(compartmentTransition('reserved', 'commit')).toEqual({ ok: true, value: 'occupied' });
    expect(compartmentTransition('occupied', 'empty')).toEqual({ ok: true, value: 'available' });
    expect(compartmentTransition('reserved', 'release')).toEqual({ ok: true, value: 'available' });
  });

  it('goes out of service from any state and back according to its contents', () => {
    for (const s of ['available', 'reserved', 'occupied'] as const) {
      expect(compartmentTransition(s, 'take_out_of_service')).toEqual({
        ok: true,
        value: 'out_of_service',
      });
    }
    expect(compartmentTransition('out_of_service', 'return_to_service_occupied')).toEqual({
      ok: true,
      value: 'occupied',
    });
    expect(compartmentTransition('out_of_service', 'return_to_service_empty')).toEqual({
      ok: true,
      value: 'available',
    });
  });

  it('refuses every other move with a typed reason', () => {
    expect(compartmentTransition('occupied', 'reserve')).toEqual({
      ok: false,
      error: {
        reason: 'illegal_transition',
        entity: 'compartment',
        from: 'occupied',
        action: 'reserve',
      },
    });
    const legal = new Set([
      'available:reserve',
      'reserved:release',
      'reserved:commit',
      'occupied:empty',
      'available:take_out_of_service',
      'reserved:take_out_of_service',
      'occupied:take_out_of_service',
      'out_of_service:return_to_service_empty',
      'out_of_service:return_to_service_occupied',
      'out_of_service:return_to_service_reserved',
    ]);
    const actions = [
      'reserve',
      'release',
      'commit',
      'empty',
      'take_out_of_service',
      'return_to_service_empty',
      'return_to_service_occupied',
      'return_to_service_reserved',
    ] as const;
    for (const s of COMPARTMENT_STATES)
      for (const a of actions) expect(compartmentTransition(s, a).ok).toBe(legal.has(`${s}:${a}`));
  });
});

describe('parcel life cycle', () => {
  it('allows exactly the moves of DESIGN §3', () => {
    const legal = new Set([
      'expected:deposit',
      'deposited:pick_up',
      'deposited:expire',
      'expired:collect',
      'expected:cancel',
      'deposited:extend',
      'expired:extend',
    ]);
    const actions = ['deposit', 'pick_up', 'expire', 'collect', 'cancel', 'extend'] as const;
    for (const s of PARCEL_STATES)
      for (const a of actions)
        expect(parcelTransition(s, a).ok, `${s}:${a}`).toBe(legal.has(`${s}:${a}`));
    expect(parcelTransition('expired', 'extend')).toEqual({ ok: true, value: 'deposited' });
    expect(parcelTransition('picked_up', 'pick_up')).toMatchObject({
      ok: false,
      error: { reason: 'illegal_transition' },
    });
  });
});

describe('return life cycle', () => {
  it('goes expected → deposited → collected and nowhere else', () => {
    const legal = new Set(['expected:deposit', 'deposited:collect']);
    for (const s of RETURN_STATES)
      for (const a of ['deposit', 'collect'] as const)
        expect(returnTransition(s, a).ok).toBe(legal.has(`${s}:${a}`));
  });
});
