/**
 * Decides whether a message on the commands topic is a command this locker may apply: size,
 * JSON, envelope schema, the cloud's Ed25519 signature over the canonical body, the locker id,
 * its lifetime (`notAfter`, and an issue time not too far ahead) and the payload schema of its
 * type. Replays are the handler's job (they need the store).
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { tryCanonicalJson } from '../../shared/node/canonicalJson';
import { verifyDetached } from '../../shared/node/ed25519';
import {
  COMMAND_TYPES,
  CommandPayloadSchemas,
  SignedCommandSchema,
  type CommandType,
  type SignedCommand,
} from '../../shared/protocol/commands';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';

export type CommandRefusal =
  | 'oversized'
  | 'malformed_json'
  | 'invalid_schema'
  | 'bad_signature'
  | 'wrong_locker'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_payload'
  | 'replayed';

export interface AcceptedCommand {
  ok: true;
  command: SignedCommand;
  /** The validated payload of its type. */
  payload: unknown;
  /** Local time minus issue time: transit and queueing delay plus clock difference. */
  skewMs: number;
  /** End of its lifetime (epoch ms); null: none. */
  notAfter: number | null;
}

export interface RefusedCommand {
  ok: false;
  reason: CommandRefusal;
  detail: string;
  /** Present when the message carried a readable id and type, so it can be answered. */
  id?: string;
  type?: CommandType;
  /** True when the cloud's signature verified (the refusal is about a genuine command). */
  signed: boolean;
  skewMs?: number;
}

export type CheckedCommand = AcceptedCommand | RefusedCommand;

export interface CommandCheckOptions {
  lockerId: string;
  cloudKey: KeyObject;
  /** The wall clock (epoch ms): skew is measured against it. */
  now: number;
  /**
   * The latest time this locker has already lived through (its newest event). Lifetimes are
   * judged at the later of it and `now`, so a clock set back revives nothing.
   */
  floor: number;
  /** How far ahead of local time an issue time may be (the clocks' difference). */
  futureSkewMs: number;
}

const IdSchema = z.uuid();
const TypeSchema = z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]);

export function checkCommand(raw: Buffer, o: CommandCheckOptions): CheckedCommand {
  if (raw.length > MAX_MESSAGE_BYTES) {
    return refuse('oversized', `${raw.length} bytes, limit ${MAX_MESSAGE_BYTES}`, {});
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return refuse('malformed_json', (e as Error).message, {});
  }
  const parsed = SignedCommandSchema.safeParse(json);
  if (!parsed.success) return refuse('invalid_schema', describe(parsed.error), readable(json));
  const command = parsed.data;
  const who = { id: command.id, type: command.type };

  const { sig, ...body } = json as Record<string, unknown>;
  const canonical = tryCanonicalJson(body);
  if (canonical === undefined) {
    return refuse(
      'bad_signature',
      'no canonical JSON form (a lone surrogate): nobody signed it',
      who,
    );
  }
  if (!verifyDetached(canonical, String(sig), o.cloudKey)) {
    return refuse('bad_signature', 'signature does not verify with the cloud key', who);
  }
  const signed = { ...who, signed: true };
  if (command.lockerId !== o.lockerId) {
    return refuse('wrong_locker', `for ${command.lockerId}, this is ${o.lockerId}`, signed);
  }
  const skewMs = o.now - Date.parse(command.issuedAt);
  const at = Math.max(o.now, o.floor);
  const notAfter = command.notAfter === null ? null : Date.parse(command.notAfter);
  if (notAfter !== null && at > notAfter) {
    const ago = Math.round((at - notAfter) / 1000);
    return refuse('expired', `its lifetime ended ${ago} s ago (${command.notAfter})`, signed);
  }
  const ahead = Date.parse(command.issuedAt) - at;
  if (ahead > o.futureSkewMs) {
    return refuse('not_yet_valid', `issued ${Math.round(ahead / 1000)} s in the future`, {
      ...signed,
      skewMs,
    });
  }
  const payload = CommandPayloadSchemas[command.type].safeParse(command.payload);
  if (!payload.success) {
    return refuse('invalid_payload', describe(payload.error), { ...signed, skewMs });
  }
  return { ok: true, command, payload: payload.data, skewMs, notAfter };
}

function refuse(
  reason: CommandRefusal,
  detail: string,
  extra: Partial<Omit<RefusedCommand, 'ok' | 'reason' | 'detail'>>,
): RefusedCommand {
  return { ok: false, reason, detail: detail.slice(0, 1000), signed: false, ...extra };
}

/** The id and type of a message that failed the schema, when both are readable. */
function readable(json: unknown): { id?: string; type?: CommandType } {
  if (typeof json !== 'object' || json === null) return {};
  const { id, type } = json as { id?: unknown; type?: unknown };
  const okId = IdSchema.safeParse(id);
  const okType = TypeSchema.safeParse(type);
  return okId.success && okType.success ? { id: okId.data, type: okType.data } : {};
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}
