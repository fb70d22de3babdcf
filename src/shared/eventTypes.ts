/**
 * What each device event reports: its type and payload. The envelope (seq, prevHash,
 * signature) is in events.ts; the cloud reads these payloads to mirror the locker.
 */
import type { Dimensions, Size } from './domain';

/** Why a door operation ended without its effect. */
export type DoorEndReason =
  'door_failed' | 'timeout' | 'not_taken' | 'no_item' | 'doesnt_fit' | 'cancelled' | 'reconciled';

export interface EventPayloads {
  'device.started': { softwareVersion: string; compartments: number };
  'compartment.added': { compartmentId: string; size: Size };
  'compartment.removed': { compartmentId: string };
  'compartment.out_of_service': { compartmentId: string; reason: string; actor: string };
  'compartment.in_service': { compartmentId: string; reason: string; actor: string };
  'compartment.door_failed': { compartmentId: string; operation: string; failure: string };
  'parcel.expected': {
    parcelId: string;
    trackingBarcode: string;
    dimensions: Dimensions;
    weightG: number;
    holdDays: number;
  };
  'parcel.cancelled': { parcelId: string };
  'parcel.code_set': { parcelId: string };
  'parcel.extended': { parcelId: string; holdDays: number; expiresAt: string };
  'deposit.reserved': {
    parcelId: string;
    trackingBarcode: string;
    compartmentId: string;
    size: Size;
    courier: string;
    announced: boolean;
  };
  'deposit.released': { parcelId: string; compartmentId: string; reason: DoorEndReason };
  'parcel.deposited': {
    parcelId: string;
    trackingBarcode: string;
    compartmentId: string;
    courier: string;
    expiresAt: string;
    announced: boolean;
  };
  'pickup.authorized': { parcelId: string; compartmentId: string; method: 'code' | 'qr' };
  'pickup.abandoned': { parcelId: string; compartmentId: string; reason: DoorEndReason };
  'parcel.picked_up': { parcelId: string; compartmentId: string };
  'parcel.expired': { parcelId: string; compartmentId: string };
  'parcel.collected': { parcelId: string; compartmentId: string; actor: string };
  'return.expected': { returnId: string; size: Size };
  'return.reserved': { returnId: string; compartmentId: string };
  'return.released': { returnId: string; compartmentId: string; reason: DoorEndReason };
  'return.deposited': { returnId: string; compartmentId: string };
  'return.collected': { returnId: string; compartmentId: string; actor: string };
  'collection.opened': { compartmentId: string; actor: string; items: string[] };
  'door.opened': { compartmentId: string; operation: string };
  'door.closed': { compartmentId: string; operation: string };
  'staff.door_opened': { compartmentId: string; actor: string; reason: string };
  'staff.login': { actor: string; role: string };
  'badge.rejected': { reason: string };
  'security.code_rejected': { failuresInWindow: number };
  'security.throttled': { failures: number; delaySec: number; until: string };
  'hardware.fault': { reason: string };
  'hardware.recovered': Record<string, never>;
  'reconcile.resolved': {
    compartmentId: string;
    operation: string;
    outcome: string;
    doorOpen: boolean | null;
    itemPresent: boolean | null;
  };
  /** The device's answer to a cloud command (CommandResultSchema in protocol/commands). */
  'command.result': {
    commandId: string;
    type: string;
    ok: boolean;
    error?: string;
    detail?: string;
  };
  /** Local clock vs the cloud's issue times, reported when the gap exceeds the threshold. */
  'clock.skew': { skewMs: number; thresholdMs: number; commandId: string };
  /** A policy change the cloud applied with config.update. */
  'config.updated': { changes: Record<string, number>; actor: string };
}

export type EventType = keyof EventPayloads;
