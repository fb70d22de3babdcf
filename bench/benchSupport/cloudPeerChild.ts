/**
 * Benchmark support: the cloud's end of the MQTT contract in a process of its own (the cloud is
 * another machine): verifies every event of one locker and acks as it stores them. Prints
 * {"ready": true} once subscribed, then {"acked": seq} at most every 200 ms. Ends with stdin.
 *
 *   node --import tsx bench/benchSupport/cloudPeerChild.ts <brokerUrl> <lockerId>
 *     <devicePublicKey> <cloudPrivateKey>     (keys raw, base64url)
 */
import { setPriority } from 'node:os';
import { privateKeyFromRaw, publicKeyFromRaw } from '../../src/shared/node/ed25519';
import { CloudPeer } from '../../src/main/cloud/testSupport/cloudPeer';

// The cloud is another machine: at lowered priority, its verifying does not take the CPU the
// kiosk under test would have to itself.
setPriority(10);

const [url, lockerId, devicePublicKey, cloudPrivateKey] = process.argv.slice(2);
if (!url || !lockerId || !devicePublicKey || !cloudPrivateKey) {
  process.stderr.write('usage: cloudPeerChild <brokerUrl> <lockerId> <deviceKey> <cloudKey>\n');
  process.exit(2);
}
const peer = await CloudPeer.connect({
  url,
  lockerId,
  devicePublicKey: publicKeyFromRaw(devicePublicKey),
  cloudPrivateKey: privateKeyFromRaw(cloudPrivateKey),
});
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
say({ ready: true });
let told = 0;
const timer = setInterval(() => {
  if (peer.ackedUpTo === told) return;
  told = peer.ackedUpTo;
  say({ acked: told, failures: peer.failures.length, malformed: peer.malformed.length });
}, 200);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(timer);
  void peer.close().then(() => process.exit(0));
});
