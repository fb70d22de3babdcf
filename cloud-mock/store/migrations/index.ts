/** Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied. */
import { up as initial } from './001_initial';

export type { Migration } from '../../../src/shared/node/sqlite';
import type { Migration } from '../../../src/shared/node/sqlite';

export const migrations: readonly Migration[] = [{ version: 1, name: 'initial', up: initial }];
