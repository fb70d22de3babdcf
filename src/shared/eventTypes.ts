/**
 * What each device event reports: its type and payload. The envelope (seq, prevHash,
 * signature) is in events.ts; the cloud reads these payloads to mirror the locker.
 */
import type { CompartmentState, Dimensions, DoorOperationKind, Size } from './domain';

/**
 * Why a door operation ended without its effect. `not_sent`: the bus was down, nothing was
 * pulsed. `inspection`: nobody can know what happened; the compartment waits for staff.
 */
export type DoorEndReason =
  | 'door_failed'
  | 'timeout'
  | 'not_taken'
  | 'no_item'
  | 'doesnt_fit'
  | 'cancelled'
  | 'reconciled'
  | 'not_sent'
  | 'inspection';

/** The door facts each carry the operation they belong to (DESIGN §3, door operations). */
interface DoorFact {
  compartmentId: string;
  operation: DoorOperationKind;
  operationId: number;
}

export interface EventPayloads {
  'device.started': { softwareVersion: string; compartments: number };
  'compartment.added': { compartmentId: string; size: Size };
  'compartment.removed': { compartmentId: string };
  'compartment.out_of_service': { compartmentId: string; reason: string; actor: string };
  'compartment.in_service': { compartmentId: string; reason: string; actor: string };
  'compartment.door_failed': { compartmentId: string; operation: string; failure: string };
  /** The config moved a compartment to another lock (e.g. two locks swapped when rewired). */
  'compartment.rewired': {
    compartmentId: string;
    from: { board: number; lock: number };
    to: { board: number; lock: number };
  };
  /** IR senses an item in a compartment that should be empty: out of service until staff look. */
  'compartment.foreign_item': { compartmentId: string };
  'parcel.expected': {
    parcelId: string;
    trackingBarcode: string;
    dimensions: Dimensions;
    weightG: number;
    holdDays: number;
  };
  'parcel.cancelled': { parcelId: string };
  /** The cloud's announcement of a parcel already here under a local id (deposited offline). */
  'parcel.merged': { parcelId: string; cloudParcelId: string; trackingBarcode: string };
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
  /**
   * The latch was pulsed for an operation (`acknowledged`: the board said so). `reopenedBy`: a
   * person said the door did not open, it read shut, and this is its one reopen.
   */
  'lock.pulsed': DoorFact & { attempt: number; acknowledged: boolean; reopenedBy?: string };
  'door.opened': DoorFact;
  'door.closed': DoorFact;
  /** Pulsed, and the door stayed shut (`evidence`: the board's answer, a reading, the courier). */
  'door.jammed': DoorFact & { evidence: string };
  /** A door opened that no operation asked for: forced, a latch that gave way, a bad sensor. */
  'door.opened_unexpectedly': { compartmentId: string; state: CompartmentState };
  /** A door no operation held was shut again (ends a `door.opened_unexpectedly`). */
  'door.closed_unexpectedly': { compartmentId: string; state: CompartmentState };
  /** No usable answer and the board unreadable: the compartment waits in inspection. */
  'door.outcome_unknown': DoorFact & { failure: string };
  /** The outcome cannot be known: the operation ended and staff must look inside. */
  'door.inspection': DoorFact & { why: string };
  'staff.door_opened': { compartmentId: string; actor: string; reason: string };
  'staff.login': { actor: string; role: string };
  'badge.rejected': { reason: string };
  /** A wrong code; `debt`: failures time has not yet paid off (core/codeThrottle.ts). */
  'security.code_rejected': { debt: number };
  'security.throttled': { debt: number; delaySec: number; until: string };
  /** A scanned QR token that opens nothing (outside the keypad throttle; flood-limited). */
  'security.qr_rejected': { failuresInMinute: number };
  'hardware.fault': { reason: string };
  'hardware.recovered': Record<string, never>;
  /** The data dir's free space fell below the reserve: deposits are refused until it returns. */
  'storage.low': { freeBytes: number; reserveBytes: number };
  /** The space is back (`failedWrites`: writes that found the disk full meanwhile). */
  'storage.recovered': {
    lowSince: string;
    freeBytes: number;
    refusedDeposits: number;
    failedWrites: number;
  };
  'reconcile.resolved': {
    compartmentId: string;
    operation: string;
    operationId: number;
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
  /**
   * A message on the commands topic that is not a verified command (unreadable, invalid, or its
   * signature does not verify): never answered with a command.result, so the id it claims is
   * kept only for forensics. Throttled, so a flood cannot fill the log.
   */
  'command.rejected_unverified': {
    reason: string;
    detail: string;
    claimedId?: string;
    claimedType?: string;
  };
  /** Local clock vs the cloud's issue times, reported when the gap exceeds the threshold. */
  'clock.skew': { skewMs: number; thresholdMs: number; commandId: string };
  /** A policy change the cloud applied with config.update. */
  'config.updated': { changes: Record<string, number>; actor: string };
  /**
   * The cloud's signed ack went back below events pruned here (a cloud restored from an older
   * backup): it lacks seqs from `askedFromSeq` on, but the log here starts at `oldestHeldSeq`,
   * after the checkpoint. What is held is sent; the rest needs an operator.
   */
  'cloud.rewind_unservable': {
    askedFromSeq: number;
    oldestHeldSeq: number;
    checkpointSeq: number;
    checkpointHash: string;
  };
}

export type EventType = keyof EventPayloads;
