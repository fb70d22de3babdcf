/**
 * mqtt-packet (under mqtt.js and aedes) keeps the encoded bytes of every packet length below
 * 16,384 it has written, each a 1–4 byte slice of Node's shared buffer pool, and a kept slice
 * keeps its whole 8 KB pool block alive. On a link whose batches vary in length, the entries are
 * made one at a time between other allocations, each in a block of its own: the soak drill saw
 * ~1.5 KB pinned per deposit+pickup cycle, up to 16,384 × 8 KB = 128 MB in the end
 * (mqttjs/mqtt-packet#163). Writing one packet of every such length once, in a tight loop before
 * any real one, fills the cache from a few consecutive blocks (~130 KB); it never grows after.
 */
import mqttPacket from 'mqtt-packet';

/** mqtt-packet caches the lengths below this. */
const CACHED_BELOW = 16_384;
let settled = false;

/** Fills mqtt-packet's length cache densely, once per process; later calls do nothing. */
export function settleMqttLengthCache(): void {
  if (settled) return;
  settled = true;
  // Nothing is sent: the packets are written to a sink that drops them.
  const sink = { write: () => true, destroy: () => {} } as unknown as Parameters<
    typeof mqttPacket.writeToStream
  >[1];
  // Remaining length 0 and 1: a DISCONNECT in MQTT 3.1.1 and in MQTT 5 (reason code only).
  mqttPacket.writeToStream({ cmd: 'disconnect' }, sink, { protocolVersion: 4 });
  mqttPacket.writeToStream({ cmd: 'disconnect' }, sink, { protocolVersion: 5 });
  // A QoS 0 PUBLISH with an empty topic has remaining length 2 + its payload's length.
  const topic = Buffer.alloc(0) as unknown as string;
  const payload = Buffer.alloc(CACHED_BELOW);
  for (let length = 2; length < CACHED_BELOW; length++) {
    mqttPacket.writeToStream(
      {
        cmd: 'publish',
        topic,
        payload: payload.subarray(0, length - 2),
        qos: 0,
        dup: false,
        retain: false,
      },
      sink,
    );
  }
}
