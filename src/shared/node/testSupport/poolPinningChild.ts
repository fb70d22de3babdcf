/**
 * Test support for mqttLengthCache.test.ts: a fresh process (mqtt-packet's cache starts empty)
 * that publishes QoS 1 messages of 3,000 different lengths through mqtt.js to a real broker, as
 * the outbox relay does (each payload a Buffer made from its JSON text), and prints how much
 * memory outside the heap is still held once everything is collected.
 *
 *   node --expose-gc --import tsx poolPinningChild.ts <brokerUrl> settled|unsettled
 */
import mqtt from 'mqtt';
import { settleMqttLengthCache } from '../mqttLengthCache';

const [url, mode] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!url || !gc) throw new Error('usage: node --expose-gc poolPinningChild.ts <url> <mode>');
if (mode === 'settled') settleMqttLengthCache();

function held(): number {
  gc!();
  gc!();
  return process.memoryUsage().arrayBuffers;
}

const client = await mqtt.connectAsync(url, {
  clientId: `pool-${process.pid}`,
  protocolVersion: 4,
});
// Past mqtt-packet's one-time tables and the connection's own buffers.
await client.publishAsync('pool/warm', Buffer.from('{}'), { qos: 1 });
const before = held();
const count = Number(process.env.POOL_MESSAGES ?? 3_000);
for (let i = 0; i < count; i += 50) {
  const batch = Array.from({ length: 50 }, (_, j) => {
    const text = JSON.stringify({ seq: i + j, pad: 'x'.repeat(1_000 + i + j) });
    return client.publishAsync('pool/events', Buffer.from(text), { qos: 1 });
  });
  await Promise.all(batch);
}
await client.endAsync();
console.log(JSON.stringify({ mode, heldMb: (held() - before) / 1_048_576 }));
