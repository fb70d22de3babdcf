/**
 * Test support: the cloud's end of the MQTT contract, as a protocol peer. It subscribes to a
 * locker's topics, parses every message with the real src/shared/protocol schemas, verifies
 * the event chain and the state snapshots with the device key, stores each seq once, acks
 * cumulatively with acks signed like the cloud's, and signs commands with the cloud key.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { SignedEvent } from '../../../shared/events';
import { ChainVerifier, type ChainFailure } from '../../../shared/node/eventChain';
import { signMessage, verifyMessage } from '../../../shared/node/signedMessage';
import type { CommandType } from '../../../shared/protocol/commands';
import {
  EventBatchSchema,
  PresenceSchema,
  StateSnapshotSchema,
  type Ack,
  type Presence,
  type StateSnapshot,
} from '../../../shared/protocol/messages';
import {
  lockerTopics,
  MAX_MESSAGE_BYTES,
  type LockerTopics,
} from '../../../shared/protocol/topics';
import { signedCommand } from './signedCommand';

export interface ReceivedBatch {
  at: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
}

export interface CloudPeerOptions {
  url: string;
  lockerId: string;
  devicePublicKey: KeyObject;
  cloudPrivateKey: KeyObject;
  prefix?: string;
  /** Ack each batch as it is stored (default true). */
  autoAck?: boolean;
  /** The cloud's clock for command issue times (default Date.now). */
  now?: () => number;
}

export class CloudPeer {
  readonly topics: LockerTopics;
  /** Verified events, each seq once, in order. */
  readonly events: SignedEvent[] = [];
  readonly batches: ReceivedBatch[] = [];
  readonly presence: Presence[] = [];
  readonly snapshots: StateSnapshot[] = [];
  readonly failures: ChainFailure[] = [];
  /** Messages that failed the contract's schemas or size limit. */
  readonly malformed: string[] = [];
  duplicates = 0;
  autoAck: boolean;
  private readonly verifier: ChainVerifier;
  private lastAckAt = 0;

  private constructor(
    private readonly o: CloudPeerOptions,
    private readonly client: MqttClient,
  ) {
    this.topics = lockerTopics(o.prefix ?? 'locker/v1', o.lockerId);
    this.verifier = new ChainVerifier(o.devicePublicKey);
    this.autoAck = o.autoAck ?? true;
  }

  static async connect(o: CloudPeerOptions): Promise<CloudPeer> {
    const client = await mqtt.connectAsync(o.url, {
      clientId: `cloud-peer-${randomUUID()}`,
      clean: true,
      reconnectPeriod: 200,
    });
    const peer = new CloudPeer(o, client);
    client.on('message', (topic, payload) => peer.onMessage(topic, payload));
    const { events, state, presence } = peer.topics;
    await client.subscribeAsync({
      [events]: { qos: 1 },
      [state]: { qos: 1 },
      [presence]: { qos: 1 },
    });
    return peer;
  }

  get ackedUpTo(): number {
    return this.verifier.state.lastSeq;
  }

  /**
   * An ack signed as the cloud signs it, stamped later than every one before (override fields
   * or the key to forge or misaddress it; keep one to replay it later).
   */
  signedAck(
    upToSeq: number,
    overrides: { lockerId?: string; at?: number; key?: KeyObject } = {},
  ): Ack {
    this.lastAckAt = Math.max((this.o.now ?? Date.now)(), this.lastAckAt + 1);
    const body = {
      v: 1 as const,
      lockerId: overrides.lockerId ?? this.o.lockerId,
      upToSeq,
      at: new Date(overrides.at ?? this.lastAckAt).toISOString(),
    };
    return signMessage(body, overrides.key ?? this.o.cloudPrivateKey);
  }

  async ack(upToSeq: number): Promise<void> {
    await this.sendAck(this.signedAck(upToSeq));
  }

  async sendAck(ack: Ack): Promise<void> {
    await this.client.publishAsync(this.topics.acks, JSON.stringify(ack), { qos: 1 });
  }

  async publishRaw(topic: string, payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** A command body signed with the cloud key (override fields to forge or misaddress it). */
  command(
    type: CommandType,
    payload: Record<string, unknown>,
    overrides: Partial<Record<'id' | 'lockerId' | 'issuedAt', string>> & {
      notAfter?: string | null;
      key?: KeyObject;
    } = {},
  ): Record<string, unknown> {
    const { key, issuedAt, lockerId, ...rest } = overrides;
    return signedCommand(key ?? this.o.cloudPrivateKey, type, payload, {
      ...rest,
      lockerId: lockerId ?? this.o.lockerId,
      issuedAt: issuedAt !== undefined ? Date.parse(issuedAt) : (this.o.now ?? Date.now)(),
    });
  }

  async sendCommand(command: Record<string, unknown>): Promise<void> {
    await this.publishRaw(this.topics.commands, JSON.stringify(command));
  }

  /** command.result payloads received so far, by command id. */
  results(): Map<string, Record<string, unknown>[]> {
    const map = new Map<string, Record<string, unknown>[]>();
    for (const e of this.events) {
      if (e.type !== 'command.result') continue;
      const id = String(e.payload.commandId);
      map.set(id, [...(map.get(id) ?? []), e.payload]);
    }
    return map;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (payload.length > MAX_MESSAGE_BYTES) {
      this.malformed.push(`${topic}: ${payload.length} bytes`);
      return;
    }
    if (topic === this.topics.presence) {
      if (payload.length === 0) return;
      const p = PresenceSchema.safeParse(JSON.parse(payload.toString()));
      if (p.success) this.presence.push(p.data);
      else this.malformed.push(`presence: ${p.error.message}`);
      return;
    }
    if (topic === this.topics.state) {
      const s = StateSnapshotSchema.safeParse(JSON.parse(payload.toString()));
      if (!s.success) this.malformed.push(`state: ${s.error.message}`);
      else if (!verifyMessage(s.data, this.o.devicePublicKey))
        this.malformed.push('state: not signed with the device key');
      else this.snapshots.push(s.data);
      return;
    }
    if (topic !== this.topics.events) return;
    const batch = EventBatchSchema.safeParse(JSON.parse(payload.toString()));
    if (!batch.success) {
      this.malformed.push(`events: ${batch.error.message}`);
      return;
    }
    const list = batch.data.events;
    this.batches.push({
      at: Date.now(),
      bytes: payload.length,
      firstSeq: list[0]!.seq,
      lastSeq: list.at(-1)!.seq,
      count: list.length,
    });
    for (const e of list) {
      if (e.seq <= this.verifier.state.lastSeq) {
        this.duplicates += 1;
        continue;
      }
      const r = this.verifier.push(e);
      if (r.ok) this.events.push(r.event);
      else this.failures.push(r);
    }
    if (this.autoAck) void this.ack(this.verifier.state.lastSeq);
  }
}

/**
 * Polls `condition` every `everyMs` until it holds; fails with `what` after `timeoutMs` instead of
 * hanging.
 */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 15_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
