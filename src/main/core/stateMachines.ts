/**
 * The life cycles of compartments, parcels and returns (DESIGN §3). Each machine is a table of
 * actions; an action from a state it does not allow is refused with a typed reason, never applied.
 */
import type { CompartmentState, ParcelState, ReturnState } from '../../shared/domain';
import { err, ok, type Result } from '../../shared/result';

export interface IllegalTransition {
  reason: 'illegal_transition';
  entity: 'compartment' | 'parcel' | 'return';
  from: string;
  action: string;
}

type Table<S extends string, A extends string> = Record<A, { from: readonly S[]; to: S }>;

function machine<S extends string, A extends string>(
  entity: IllegalTransition['entity'],
  table: Table<S, A>,
) {
  return (from: S, action: A): Result<S, IllegalTransition> => {
    const rule = table[action];
    return rule.from.includes(from)
      ? ok(rule.to)
      : err({ reason: 'illegal_transition', entity, from, action });
  };
}

export type CompartmentAction =
  | 'reserve'
  | 'release'
  | 'commit'
  | 'empty'
  | 'take_out_of_service'
  | 'return_to_service_empty'
  | 'return_to_service_occupied'
  | 'return_to_service_reserved';

/** available → reserved → occupied → available; out_of_service from any state and back. */
export const compartmentTransition = machine<CompartmentState, CompartmentAction>('compartment', {
  reserve: { from: ['available'], to: 'reserved' },
  release: { from: ['reserved'], to: 'available' },
  commit: { from: ['reserved'], to: 'occupied' },
  empty: { from: ['occupied'], to: 'available' },
  take_out_of_service: { from: ['available', 'reserved', 'occupied'], to: 'out_of_service' },
  // Back in service the contents decide: a compartment with a parcel inside is occupied.
  return_to_service_empty: { from: ['out_of_service'], to: 'available' },
  return_to_service_occupied: { from: ['out_of_service'], to: 'occupied' },
  // A deposit whose door was open when it went out of service is still under way.
  return_to_service_reserved: { from: ['out_of_service'], to: 'reserved' },
});

export type ParcelAction = 'deposit' | 'pick_up' | 'expire' | 'collect' | 'cancel' | 'extend';

/** expected → deposited → picked_up; deposited → expired → collected; expected → cancelled. */
export const parcelTransition = machine<ParcelState, ParcelAction>('parcel', {
  deposit: { from: ['expected'], to: 'deposited' },
  pick_up: { from: ['deposited'], to: 'picked_up' },
  expire: { from: ['deposited'], to: 'expired' },
  collect: { from: ['expired'], to: 'collected' },
  cancel: { from: ['expected'], to: 'cancelled' },
  // An extension may arrive after expiry, as long as the parcel is still in the locker.
  extend: { from: ['deposited', 'expired'], to: 'deposited' },
});

export type ReturnAction = 'deposit' | 'collect';

/** expected → deposited → collected. */
export const returnTransition = machine<ReturnState, ReturnAction>('return', {
  deposit: { from: ['expected'], to: 'deposited' },
  collect: { from: ['deposited'], to: 'collected' },
});

/**
 * Where a compartment goes when an item is committed into it: occupied from reserved; an
 * out-of-service compartment stays so, now with the item recorded inside.
 */
export function commitInto(state: CompartmentState): Result<CompartmentState, IllegalTransition> {
  return state === 'out_of_service' ? ok(state) : compartmentTransition(state, 'commit');
}
