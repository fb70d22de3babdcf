/**
 * Test support: a command as the cloud signs it (CommandBodySchema, canonical JSON, Ed25519),
 * with any field overridden to play a stale, future, misaddressed or forged one.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../shared/node/canonicalJson';
import { signDetached } from '../../../shared/node/ed25519';
import { CommandBodySchema, type CommandType } from '../../../shared/protocol/commands';

export interface CommandFields {
  id?: string;
  lockerId: string;
  /** Epoch ms of the issue time. */
  issuedAt: number;
  /** ISO time or null; default: a week after the issue time. */
  notAfter?: string | null;
}

export const WEEK_MS = 7 * 86_400_000;

export function signedCommand(
  key: KeyObject,
  type: CommandType,
  payload: Record<string, unknown>,
  f: CommandFields,
): Record<string, unknown> {
  const body = CommandBodySchema.parse({
    v: 1,
    id: f.id ?? randomUUID(),
    lockerId: f.lockerId,
    issuedAt: new Date(f.issuedAt).toISOString(),
    notAfter: f.notAfter === undefined ? new Date(f.issuedAt + WEEK_MS).toISOString() : f.notAfter,
    type,
    payload,
  });
  return { ...body, sig: signDetached(canonicalJson(body), key) };
}
