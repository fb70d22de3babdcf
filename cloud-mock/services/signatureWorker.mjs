// Worker thread of SignatureChecks (signatureChecks.ts): checks Ed25519 signatures over the
// canonical bodies it is sent, with the device key it is sent, and answers in order. Plain
// JavaScript on node:crypto alone, so a worker starts in milliseconds.
import { Buffer } from 'node:buffer';
import { verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, key, items }) => {
  try {
    const signed = items.map(([body, sig]) =>
      verify(null, Buffer.from(body, 'utf8'), key, Buffer.from(sig, 'base64url')),
    );
    parentPort.postMessage({ id, signed });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
