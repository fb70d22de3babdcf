/** Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied. */
import { up as initial } from './001_initial';
import { up as alerts } from './002_alerts';
import { up as parcelAliases } from './003_parcel_aliases';
import { up as lockerCodeLength } from './004_locker_code_length';
import { up as qrPayloads } from './005_qr_payloads';
import { up as commandLifetimes } from './006_command_lifetimes';
import { up as brokerAccounts } from './007_broker_accounts';
import { up as apiKeys } from './008_api_keys';
import { up as capacity } from './009_capacity';
import { up as statusEvents } from './010_status_events';
import { up as capacityPromises } from './011_capacity_promises';
import { up as liveStatus } from './012_live_status';
import { up as fleetAlerts } from './013_fleet_alerts';

export type { Migration } from '../../../src/shared/node/sqlite';
import type { Migration } from '../../../src/shared/node/sqlite';

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'alerts', up: alerts },
  { version: 3, name: 'parcel aliases', up: parcelAliases },
  { version: 4, name: 'locker code length', up: lockerCodeLength },
  { version: 5, name: 'qr payloads', up: qrPayloads },
  { version: 6, name: 'command lifetimes', up: commandLifetimes },
  { version: 7, name: 'broker accounts', up: brokerAccounts },
  { version: 8, name: 'api keys', up: apiKeys },
  { version: 9, name: 'capacity', up: capacity },
  { version: 10, name: 'status events', up: statusEvents },
  { version: 11, name: 'capacity promises', up: capacityPromises },
  { version: 12, name: 'live status', up: liveStatus },
  { version: 13, name: 'fleet alerts', up: fleetAlerts },
];
