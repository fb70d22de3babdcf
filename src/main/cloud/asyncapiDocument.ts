/**
 * The MQTT contract as an AsyncAPI 3.0 document, generated from the zod schemas in
 * src/shared/protocol (so it cannot drift from them), written from the locker's point of view.
 * `npx tsx src/main/cloud/asyncapiDocument.ts --write` regenerates docs/asyncapi.json.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  COMMAND_TYPES,
  CommandPayloadSchemas,
  CommandRejectedUnverifiedSchema,
  CommandResultSchema,
  SignedCommandSchema,
} from '../../shared/protocol/commands';
import {
  AckSchema,
  EventBatchSchema,
  PresenceSchema,
  StateSnapshotSchema,
} from '../../shared/protocol/messages';
import { DEFAULT_TOPIC_PREFIX, MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';
import { EnrollmentRequestSchema, EnrollmentResponseSchema } from './enrollment';

export const ASYNCAPI_FILE = fileURLToPath(new URL('../../../docs/asyncapi.json', import.meta.url));

/** JSON Schema (draft-07, which AsyncAPI schemas extend) of a zod schema. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // The event payload is a custom check (a plain JSON object); describe it as one.
      if (ctx.zodSchema._zod.def.type === 'custom') {
        ctx.jsonSchema.type = 'object';
        ctx.jsonSchema.description = 'A plain JSON object (finite numbers, well-formed strings).';
      }
    },
  }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const mqtt = (qos: 0 | 1, retain = false) => ({
  mqtt: { qos, retain, bindingVersion: '0.2.0' },
});

const channel = (name: string, description: string, messages: string[]) => ({
  address: `${DEFAULT_TOPIC_PREFIX}/{lockerId}/${name}`,
  description,
  parameters: {
    lockerId: {
      description:
        'The locker id; the prefix before it is configurable (default locker/v1, or as given at enrolment).',
    },
  },
  messages: Object.fromEntries(messages.map((m) => [m, { $ref: `#/components/messages/${m}` }])),
});

const messageRefs = (channelName: string, messages: string[]) =>
  messages.map((m) => ({ $ref: `#/channels/${channelName}/messages/${m}` }));

const commandMessageName = (type: string) => `command_${type.replace('.', '_')}`;

export function asyncApiDocument(): Record<string, unknown> {
  const commandMessages = Object.fromEntries(
    COMMAND_TYPES.map((type) => [
      commandMessageName(type),
      {
        name: type,
        title: `Command ${type}`,
        contentType: 'application/json',
        summary: `A signed ${type} command.`,
        payload: jsonSchema(
          SignedCommandSchema.extend({
            type: z.literal(type),
            payload: CommandPayloadSchemas[type],
          }),
        ),
      },
    ]),
  );
  const commandNames = COMMAND_TYPES.map(commandMessageName);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Parcel locker ↔ cloud',
      version: '1.0.0',
      description:
        'The MQTT contract between one locker and its cloud (DESIGN §5), from the locker’s side. ' +
        `Every message is JSON of at most ${MAX_MESSAGE_BYTES} bytes. Generated from the zod ` +
        'schemas in src/shared/protocol by src/main/cloud/asyncapiDocument.ts; see docs/protocol.md.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: 'broker.example.com:8883',
        protocol: 'mqtts',
        description:
          'Any MQTT 3.1.1 broker (cloud-mock’s aedes, Mosquitto, EMQX, AWS IoT Core), over TLS. ' +
          'Each locker logs in with the identity its enrolment issued (username = locker id = ' +
          'client id), or with a client certificate where broker accounts are managed elsewhere ' +
          '(AWS IoT Core); it may publish only on its own events/state/presence and read only its ' +
          'own commands/acks (docs/deployment-cloud.md).',
        security: [
          { $ref: '#/components/securitySchemes/enrolledIdentity' },
          { $ref: '#/components/securitySchemes/clientCertificate' },
        ],
        bindings: {
          mqtt: {
            clientId: '{lockerId}',
            cleanSession: false,
            keepAlive: 30,
            lastWill: {
              topic: `${DEFAULT_TOPIC_PREFIX}/{lockerId}/presence`,
              qos: 1,
              message: '{"v":1,"status":"offline"}',
              retain: true,
            },
            bindingVersion: '0.2.0',
          },
        },
      },
    },
    channels: {
      events: channel(
        'events',
        'Signed audit events in seq order, in batches; at-least-once, deduped by seq.',
        ['eventBatch'],
      ),
      acks: channel(
        'acks',
        'Cumulative acks signed by the cloud (Ed25519 over RFC 8785 canonical JSON of all fields ' +
          'but sig): the highest contiguous seq the cloud has durably stored, as of `at`. Sent ' +
          'after every events message and when the locker’s presence turns online.',
        ['ack'],
      ),
      commands: channel(
        'commands',
        'Commands signed by the cloud (Ed25519 over RFC 8785 canonical JSON of all fields but sig).',
        commandNames,
      ),
      state: channel(
        'state',
        'Retained compartment snapshot for reconciliation, signed with the device key (Ed25519 ' +
          'over RFC 8785 canonical JSON of all fields but sig); the cloud drops any other.',
        ['stateSnapshot'],
      ),
      presence: channel(
        'presence',
        'Retained presence; the offline form is also the connection’s last will.',
        ['presence'],
      ),
    },
    operations: {
      sendEvents: {
        action: 'send',
        channel: { $ref: '#/channels/events' },
        summary: 'Publish unacked events from the first seq the cloud has not acked.',
        description:
          'At most 100 publishes unacked by the cloud, at most cloud.publishesPerSecond (default 100) publishes per second. ' +
          'The limit counts every publish of the locker, presence and state snapshots included (not the broker-sent last will); ' +
          'on connect, presence online takes the first free slot, then the snapshot, then events.',
        messages: messageRefs('events', ['eventBatch']),
        bindings: mqtt(1),
      },
      receiveAcks: {
        action: 'receive',
        channel: { $ref: '#/channels/acks' },
        summary: 'Verify; take only acks for this locker no older than the newest taken.',
        description:
          'Higher than the stored ack: delivered (pruned once confirmed for policy.eventRetentionDays). ' +
          'Lower: an authoritative rewind; resend from there, or raise cloud.rewind_unservable when ' +
          'those events are pruned. Beyond the last seq sent: ignored.',
        messages: messageRefs('acks', ['ack']),
        bindings: mqtt(1),
      },
      receiveCommands: {
        action: 'receive',
        channel: { $ref: '#/channels/commands' },
        summary:
          'Verify, refuse once past notAfter, dedupe by id, apply, and answer with a command.result event (an unverified message: command.rejected_unverified, never a result).',
        description:
          'An applied command delivered again while its latest answer is still unacked is not answered again (the cloud will receive that answer). ' +
          'Once the cloud has acked the answer, a repeat gets one command.result with error replayed, and further repeats none until that one is acked: ' +
          'at most one answer per ack. A signed command refused again for the same reason (not_yet_valid, expired, ...) is likewise answered at most once per ack; ' +
          'a command past its notAfter is refused expired whether or not its id was applied before.',
        messages: messageRefs('commands', commandNames),
        bindings: mqtt(1),
      },
      sendState: {
        action: 'send',
        channel: { $ref: '#/channels/state' },
        messages: messageRefs('state', ['stateSnapshot']),
        bindings: mqtt(1, true),
      },
      sendPresence: {
        action: 'send',
        channel: { $ref: '#/channels/presence' },
        messages: messageRefs('presence', ['presence']),
        bindings: mqtt(1, true),
      },
    },
    components: {
      securitySchemes: {
        enrolledIdentity: {
          type: 'userPassword',
          description:
            'Username = locker id, a random password issued at enrolment (each enrolment a new one).',
        },
        clientCertificate: { type: 'X509', description: 'mTLS client certificate per locker.' },
      },
      messages: {
        eventBatch: {
          name: 'eventBatch',
          contentType: 'application/json',
          payload: jsonSchema(EventBatchSchema),
        },
        ack: { name: 'ack', contentType: 'application/json', payload: jsonSchema(AckSchema) },
        stateSnapshot: {
          name: 'stateSnapshot',
          contentType: 'application/json',
          payload: jsonSchema(StateSnapshotSchema),
        },
        presence: {
          name: 'presence',
          contentType: 'application/json',
          payload: jsonSchema(PresenceSchema),
        },
        ...commandMessages,
      },
      schemas: {
        commandResultPayload: {
          ...jsonSchema(CommandResultSchema),
          description:
            'Payload of the command.result event the locker sends through the events channel.',
        },
        commandRejectedUnverifiedPayload: {
          ...jsonSchema(CommandRejectedUnverifiedSchema),
          description:
            'Payload of the command.rejected_unverified event: a message on the commands channel that did not verify.',
        },
        enrollmentRequest: {
          ...jsonSchema(EnrollmentRequestSchema),
          description: 'REST (not MQTT): body of POST {apiUrl}/api/v1/lockers/{lockerId}/enroll.',
        },
        enrollmentResponse: {
          ...jsonSchema(EnrollmentResponseSchema),
          description: 'REST (not MQTT): the answer to the enrolment request.',
        },
      },
    },
  };
}

export function asyncApiText(): string {
  return `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    writeFileSync(ASYNCAPI_FILE, asyncApiText());
    process.stdout.write(`wrote ${ASYNCAPI_FILE}\n`);
  } else {
    process.stdout.write(asyncApiText());
  }
}
