/**
 * The flush benchmark's ceiling: the kiosk's backlog packed into batches exactly as the relay
 * packs them (eventBatches.ts), published straight into a fresh cloud-mock on the same broker
 * as fast as the broker takes them; how fast the cloud verifies, stores and acks them bounds
 * what any relay could reach.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { MAX_MESSAGE_BYTES, lockerTopics } from '../../src/shared/protocol/topics';
import { nextBatch } from '../../src/main/cloud/eventBatches';
import type { IdentityStore } from '../../src/main/identity/identityStore';
import type { StoredEvent } from '../../src/main/store/events';
import { startFlushCloud } from './flushCloud';
import { FlushWitness, wallNow } from './flushWitness';

/** Seqs 1..lastSeq of the kiosk's database file, as EventBatch messages. */
export function packedBacklog(dbFile: string, lastSeq: number): string[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  let events: StoredEvent[];
  try {
    events = db
      .prepare('SELECT seq, type, body, hash, sig FROM events WHERE seq <= ? ORDER BY seq')
      .all(lastSeq) as StoredEvent[];
  } finally {
    db.close();
  }
  const messages: string[] = [];
  for (let from = 0; from < events.length;) {
    const batch = nextBatch(events.slice(from, from + 10_000), MAX_MESSAGE_BYTES)!;
    messages.push(batch.json);
    from += batch.count;
  }
  return messages;
}

export interface CeilingFigures {
  eventsPerSecond: number;
  events: number;
  publishes: number;
  seconds: number;
}

export async function measureCeiling(o: {
  brokerUrl: string;
  lockerId: string;
  identity: IdentityStore;
  kioskDbFile: string;
  lastSeq: number;
  timeoutMs: number;
}): Promise<CeilingFigures> {
  const messages = packedBacklog(o.kioskDbFile, o.lastSeq);
  const cloud = await startFlushCloud(o);
  const witness = await FlushWitness.connect(o.brokerUrl, o.lockerId);
  const publisher = await mqtt.connectAsync(o.brokerUrl, {
    clientId: `flush-ceiling-${randomUUID()}`,
    clean: true,
  });
  try {
    const topic = lockerTopics('locker/v1', o.lockerId).events;
    const started = wallNow();
    const acked = witness.ackOf(o.lastSeq, o.timeoutMs);
    await Promise.all(messages.map((m) => publisher.publishAsync(topic, m, { qos: 1 })));
    await acked;
    const seconds = (witness.ackedAt(o.lastSeq)! - started) / 1000;
    return {
      eventsPerSecond: o.lastSeq / seconds,
      events: o.lastSeq,
      publishes: messages.length,
      seconds,
    };
  } finally {
    await publisher.endAsync(true);
    await witness.close();
    await cloud.close();
  }
}
