/**
 * Policy the cloud sets with config.update, kept in the policy_overrides table so it outlives
 * a restart, and applied over the config file's values in the one PolicyConfig object that
 * KioskCore's services read at use time.
 */
import type { PolicyConfig } from '../config/kioskConfig';
import type { Db } from '../store/database';

/** The policy fields the cloud may change (the keys of the config.update payload). */
export const CLOUD_POLICY_KEYS = ['holdDays', 'reservationTimeoutSec', 'codeLength'] as const;
export type CloudPolicyKey = (typeof CLOUD_POLICY_KEYS)[number];
export type PolicyChanges = Partial<Record<CloudPolicyKey, number>>;

export function savePolicyOverrides(db: Db, changes: PolicyChanges): void {
  const put = db.prepare(
    'INSERT INTO policy_overrides (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const key of CLOUD_POLICY_KEYS) {
    const value = changes[key];
    if (value !== undefined) put.run(key, value);
  }
}

export function loadPolicyOverrides(db: Db): PolicyChanges {
  const rows = db.prepare('SELECT key, value FROM policy_overrides').all() as {
    key: string;
    value: number;
  }[];
  const changes: PolicyChanges = {};
  for (const row of rows) {
    if ((CLOUD_POLICY_KEYS as readonly string[]).includes(row.key)) {
      changes[row.key as CloudPolicyKey] = row.value;
    }
  }
  return changes;
}

/** Writes the stored overrides into `policy` (in place: the services hold this object). */
export function applyStoredPolicy(db: Db, policy: PolicyConfig): PolicyChanges {
  const changes = loadPolicyOverrides(db);
  Object.assign(policy, changes);
  return changes;
}
