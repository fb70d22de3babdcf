/**
 * Decides whether a message on the acks topic is an ack the cloud signed for this locker:
 * size, JSON, schema, the cloud's Ed25519 signature and the locker id. Whether it is newer
 * than the last one taken, and what it moves, is the relay's job (it needs the store).
 */
import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { verifyMessage } from '../../shared/node/signedMessage';
import { AckSchema } from '../../shared/protocol/messages';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';

export type AckRefusal =
  'oversized' | 'malformed_json' | 'invalid_schema' | 'bad_signature' | 'wrong_locker' | 'replayed';

/** A verified ack: the cloud had stored the chain up to `upToSeq` at `at` (epoch ms). */
export interface VerifiedAck {
  upToSeq: number;
  at: number;
}

export type CheckedAck =
  { ok: true; ack: VerifiedAck } | { ok: false; reason: AckRefusal; detail: string };

export function checkAck(raw: Buffer, o: { lockerId: string; cloudKey: KeyObject }): CheckedAck {
  if (raw.length > MAX_MESSAGE_BYTES) {
    return refuse('oversized', `${raw.length} bytes, limit ${MAX_MESSAGE_BYTES}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return refuse('malformed_json', (e as Error).message);
  }
  const parsed = AckSchema.safeParse(json);
  if (!parsed.success) return refuse('invalid_schema', describe(parsed.error));
  const ack = parsed.data;
  if (!verifyMessage(ack, o.cloudKey)) {
    return refuse('bad_signature', 'signature does not verify with the cloud key');
  }
  if (ack.lockerId !== o.lockerId) {
    return refuse('wrong_locker', `for ${ack.lockerId}, this is ${o.lockerId}`);
  }
  return { ok: true, ack: { upToSeq: ack.upToSeq, at: Date.parse(ack.at) } };
}

function refuse(reason: AckRefusal, detail: string): CheckedAck {
  return { ok: false, reason, detail: detail.slice(0, 500) };
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}
