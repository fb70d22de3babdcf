/** Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied. */
import { up as initial } from './001_initial';
import { up as cloudCommands } from './002_cloud_commands';
import { up as doorOperationIds } from './003_door_operation_ids';
import { up as doorPhases } from './004_door_phases';
import { up as parcelAliases } from './005_parcel_aliases';
import { up as throttleDebt } from './006_throttle_debt';
import { up as qrDigests } from './007_qr_digests';
import { up as commandLifetimes } from './008_command_lifetimes';
import { up as ackReceipts } from './009_ack_receipts';
import { up as doorReopens } from './010_door_reopens';
import { up as digestLookup } from './011_digest_lookup';
import { up as answeredCommands } from './012_answered_commands';

export type { Migration } from '../../../shared/node/sqlite';
import type { Migration } from '../../../shared/node/sqlite';

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'cloud_commands', up: cloudCommands },
  { version: 3, name: 'door_operation_ids', up: doorOperationIds },
  { version: 4, name: 'door_phases', up: doorPhases },
  { version: 5, name: 'parcel_aliases', up: parcelAliases },
  { version: 6, name: 'throttle_debt', up: throttleDebt },
  { version: 7, name: 'qr_digests', up: qrDigests },
  { version: 8, name: 'command_lifetimes', up: commandLifetimes },
  { version: 9, name: 'ack_receipts', up: ackReceipts },
  { version: 10, name: 'door_reopens', up: doorReopens },
  { version: 11, name: 'digest_lookup', up: digestLookup },
  { version: 12, name: 'answered_commands', up: answeredCommands },
];
