/**
 * Test support: a locker unit as the cloud sees it — a device key and code key, a signed event
 * chain with real payloads, signed state snapshots, and an MQTT client that publishes batches
 * and collects the acks it can verify with the cloud key, and commands.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { GENESIS_HASH, type SignedEvent } from '../../src/shared/events';
import type { EventPayloads, EventType } from '../../src/shared/eventTypes';
import { publicKeyToRaw, signEvent } from '../../src/shared/node/eventChain';
import { signMessage, verifyMessage } from '../../src/shared/node/signedMessage';
import { testKey } from '../../src/shared/node/testChain';
import {
  AckSchema,
  StateSnapshotBodySchema,
  type Ack,
  type StateSnapshot,
} from '../../src/shared/protocol/messages';
import { SignedCommandSchema, type SignedCommand } from '../../src/shared/protocol/commands';
import { lockerTopics, DEFAULT_TOPIC_PREFIX } from '../../src/shared/protocol/topics';
import { noDelay } from '../../src/shared/node/mqttNoDelay';

export class DeviceChain {
  private seq = 0;
  private prevHash = GENESIS_HASH;
  private time = Date.UTC(2025, 0, 1);

  /** With a clock, events carry its time (the unit's clock agrees with the cloud's). */
  constructor(
    readonly lockerId: string,
    readonly key: KeyObject,
    private readonly clock?: { now(): number },
  ) {}

  next<T extends EventType>(type: T, payload: EventPayloads[T]): SignedEvent {
    this.seq += 1;
    this.time = this.clock ? this.clock.now() : this.time + 1000;
    const event = signEvent(
      {
        v: 1,
        lockerId: this.lockerId,
        seq: this.seq,
        type,
        at: new Date(this.time).toISOString(),
        payload: payload as Record<string, unknown>,
        prevHash: this.prevHash,
      },
      this.key,
    );
    this.prevHash = event.hash;
    return event;
  }

  /** `count` filler events (door opened/closed on A1). */
  filler(count: number): SignedEvent[] {
    return Array.from({ length: count }, (_, i) =>
      this.next(i % 2 === 0 ? 'door.opened' : 'door.closed', {
        compartmentId: 'A1',
        operation: 'staff_open',
        operationId: 1 + Math.floor(i / 2),
      }),
    );
  }
}

export interface DeviceIdentity {
  lockerId: string;
  key: KeyObject;
  publicKey: KeyObject;
  devicePublicKey: string;
  codeDigestKey: Buffer;
}

export function deviceIdentity(lockerId: string, seedByte = 7): DeviceIdentity {
  const key = testKey(seedByte);
  const publicKey = createPublicKey(key);
  return {
    lockerId,
    key,
    publicKey,
    devicePublicKey: publicKeyToRaw(publicKey),
    codeDigestKey: randomBytes(32),
  };
}

/** Resolves per message in arrival order; a test awaits the next one it expects. */
class Inbox<T> {
  private items: T[] = [];
  private waiters: ((item: T) => void)[] = [];
  readonly all: T[] = [];

  push(item: T): void {
    this.all.push(item);
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async until(match: (item: T) => boolean): Promise<T> {
    for (;;) {
      const item = await this.next();
      if (match(item)) return item;
    }
  }
}

/** How a unit logs in to the broker: its locker id (= client id) and its enrolment's credentials. */
export interface DeviceLogin {
  lockerId: string;
  username?: string;
  password?: string;
}

/** A state snapshot signed with the device key, as the unit publishes it. */
export function signedSnapshot(key: KeyObject, body: unknown): StateSnapshot {
  return signMessage(StateSnapshotBodySchema.parse(body), key);
}

export class DeviceLink {
  /** `upToSeq` of each ack the cloud signed for this locker, in arrival order. */
  readonly acks = new Inbox<number>();
  /** The same acks, whole (their `at`, their signature). */
  readonly signedAcks: Ack[] = [];
  /** Messages on the acks topic a unit would refuse, with why. */
  readonly refusedAcks: string[] = [];
  readonly commands = new Inbox<SignedCommand>();
  readonly topics;

  private constructor(
    readonly client: MqttClient,
    readonly lockerId: string,
    prefix: string,
    private readonly cloudPublicKey: KeyObject,
  ) {
    this.topics = lockerTopics(prefix, lockerId);
  }

  /** Connects as the unit does: client id = locker id, with the enrolment's credentials. */
  static async connect(
    url: string,
    login: DeviceLogin,
    o: { cloudPublicKey: KeyObject; prefix?: string },
  ): Promise<DeviceLink> {
    const client = await mqtt.connectAsync(url, {
      clientId: login.lockerId,
      ...(login.username === undefined ? {} : { username: login.username }),
      ...(login.password === undefined ? {} : { password: login.password }),
      clean: true,
      reconnectPeriod: 0,
    });
    // As a unit's link should: no 40 ms Nagle stall between a packet's header and payload.
    noDelay(client);
    const link = new DeviceLink(
      client,
      login.lockerId,
      o.prefix ?? DEFAULT_TOPIC_PREFIX,
      o.cloudPublicKey,
    );
    client.on('message', (topic, payload) => {
      const json = JSON.parse(payload.toString('utf8')) as unknown;
      if (topic === link.topics.acks) link.takeAck(json);
      if (topic === link.topics.commands) link.commands.push(SignedCommandSchema.parse(json));
    });
    await client.subscribeAsync([link.topics.acks, link.topics.commands], { qos: 1 });
    return link;
  }

  /** Like the unit: only an ack the cloud signed for this locker counts. */
  private takeAck(json: unknown): void {
    const parsed = AckSchema.safeParse(json);
    if (!parsed.success) this.refusedAcks.push(`invalid_schema: ${parsed.error.message}`);
    else if (!verifyMessage(parsed.data, this.cloudPublicKey))
      this.refusedAcks.push('bad_signature');
    else if (parsed.data.lockerId !== this.lockerId) this.refusedAcks.push('wrong_locker');
    else {
      this.signedAcks.push(parsed.data);
      this.acks.push(parsed.data.upToSeq);
    }
  }

  async publishEvents(events: SignedEvent[]): Promise<void> {
    await this.publishRaw(this.topics.events, JSON.stringify({ v: 1, events }));
  }

  async publishRaw(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
