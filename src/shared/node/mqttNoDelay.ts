/**
 * mqtt.js writes a packet's header and its payload as two writes: with Nagle's algorithm the
 * second waits for the peer's delayed ACK (40 ms on Linux), so every event batch, ack and command
 * would leave 40 ms late. Set on each connection's socket (TCP or TLS); a WebSocket has none.
 */
import type { MqttClient } from 'mqtt';

export function noDelay(client: MqttClient): void {
  const socket = client.stream as unknown as { setNoDelay?: (on: boolean) => unknown };
  if (typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
}
