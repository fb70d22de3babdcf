/**
 * MQTT messages as a careless or hostile sender makes them, for the commands and acks topics:
 * raw bytes, damaged JSON, signed messages tampered with after signing, signed ones that are
 * wrong (other locker, expired, from the future, another key), and signed ones with payloads
 * drawn from the zod payload schemas (`z.toJSONSchema`), half naming things the locker has.
 */
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { signMessage } from '../../../../src/shared/node/signedMessage';
import {
  COMMAND_TYPES,
  CommandPayloadSchemas,
  type CommandType,
} from '../../../../src/shared/protocol/commands';
import { signedCommand } from '../../../../src/main/cloud/testSupport/signedCommand';
import { cloudKeys } from '../../../../src/main/services/testSupport/kioskFixture';
import { damagedText, mutatedJson } from './jsonMutation';
import { fromJsonSchema, type JsonSchema } from './jsonSchemaArbitrary';

export type Channel = 'commands' | 'acks';

export interface MqttInput {
  channel: Channel;
  kind: string;
  payload: Uint8Array;
}

export const LOCKER = 'fuzz-locker';
/** The fixture's clock (kioskFixture's FakeClock): issue times are drawn around it. */
const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const strangerKey = generateKeyPairSync('ed25519').privateKey;
export const KNOWN = {
  compartmentId: ['A1', 'A2', 'A3', 'B1', 'B3'],
  parcelId: ['fz-p1', 'fz-p2'],
  returnId: ['fz-r1'],
};

const text = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

/** Payloads that fit a command type's schema, now and then naming things the locker has. */
function payloadOf(type: CommandType): fc.Arbitrary<Record<string, unknown>> {
  const schema = z.toJSONSchema(CommandPayloadSchemas[type], {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return fromJsonSchema(schema, KNOWN).map((value) => (value ?? {}) as Record<string, unknown>);
}

const typedPayload = fc
  .constantFrom(...COMMAND_TYPES)
  .chain((type) => payloadOf(type).map((payload) => ({ type, payload })));

interface Envelope {
  lockerId: string;
  issuedAt: number;
  notAfter?: string | null;
  key: typeof strangerKey;
}

const envelope: fc.Arbitrary<{ kind: string; e: Envelope }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 0, max: 3_600_000 }).map((ago) => ({
      kind: 'signed',
      e: { lockerId: LOCKER, issuedAt: NOW - ago, key: cloudKeys.privateKey },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      kind: 'other-locker',
      e: { lockerId: 'someone-else', issuedAt: NOW, key: cloudKeys.privateKey },
    }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 10 * 86_400_000 }).map((ago) => ({
      kind: 'expired',
      e: {
        lockerId: LOCKER,
        issuedAt: NOW - ago - 60_000,
        notAfter: new Date(NOW - ago).toISOString(),
        key: cloudKeys.privateKey,
      },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 400 }).map((days) => ({
      kind: 'future',
      e: { lockerId: LOCKER, issuedAt: NOW + days * 86_400_000, key: cloudKeys.privateKey },
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({
      kind: 'stranger-key',
      e: { lockerId: LOCKER, issuedAt: NOW, key: strangerKey },
    }),
  },
);

/** A command signed as the cloud signs it; a payload the body schema refuses is sent unsigned. */
function sign(type: CommandType, payload: unknown, e: Envelope): Record<string, unknown> {
  try {
    return signedCommand(e.key, type, payload as Record<string, unknown>, e);
  } catch {
    return {
      v: 1,
      id: '00000000-0000-4000-8000-000000000000',
      lockerId: e.lockerId,
      type,
      payload,
      sig: 'x',
    };
  }
}

const goodCommand = fc
  .tuple(typedPayload, envelope)
  .map(([c, env]) => ({ kind: env.kind, command: sign(c.type, c.payload, env.e) }));

export const commandInput: fc.Arbitrary<MqttInput> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 400 })
      .map((payload) => ({ channel: 'commands' as const, kind: 'raw', payload })),
  },
  {
    weight: 2,
    arbitrary: damagedText(goodCommand.map((c) => JSON.stringify(c.command))).map((payload) => ({
      channel: 'commands' as const,
      kind: 'damaged-text',
      payload,
    })),
  },
  {
    weight: 3,
    arbitrary: mutatedJson(goodCommand.map((c) => c.command)).map((json) => ({
      channel: 'commands' as const,
      kind: 'tampered',
      payload: text(json),
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...COMMAND_TYPES),
        mutatedJson(typedPayload.map((c) => c.payload)),
        envelope,
      )
      .map(([type, payload, env]) => ({
        channel: 'commands' as const,
        kind: `${env.kind}-bad-payload`,
        payload: text(sign(type, payload, env.e)),
      })),
  },
  {
    weight: 3,
    arbitrary: goodCommand.map((c) => ({
      channel: 'commands' as const,
      kind: c.kind,
      payload: text(c.command),
    })),
  },
);

const goodAck = fc
  .record({
    upToSeq: fc.integer({ min: 0, max: 400 }),
    lockerId: fc.constantFrom(LOCKER, LOCKER, LOCKER, 'someone-else'),
    key: fc.constantFrom(
      cloudKeys.privateKey,
      cloudKeys.privateKey,
      cloudKeys.privateKey,
      strangerKey,
    ),
    at: fc.integer({ min: -86_400_000, max: 86_400_000 }),
  })
  .map((a) =>
    signMessage(
      {
        v: 1 as const,
        lockerId: a.lockerId,
        upToSeq: a.upToSeq,
        at: new Date(NOW + a.at).toISOString(),
      },
      a.key,
    ),
  );

export const ackInput: fc.Arbitrary<MqttInput> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 300 })
      .map((payload) => ({ channel: 'acks' as const, kind: 'raw', payload })),
  },
  {
    weight: 2,
    arbitrary: damagedText(goodAck.map((a) => JSON.stringify(a))).map((payload) => ({
      channel: 'acks' as const,
      kind: 'damaged-text',
      payload,
    })),
  },
  {
    weight: 3,
    arbitrary: mutatedJson(goodAck).map((json) => ({
      channel: 'acks' as const,
      kind: 'tampered',
      payload: text(json),
    })),
  },
  {
    weight: 3,
    arbitrary: goodAck.map((ack) => ({
      channel: 'acks' as const,
      kind: 'signed',
      payload: text(ack),
    })),
  },
);
