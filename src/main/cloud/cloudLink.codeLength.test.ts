/**
 * config.update carries the locker's code length (a per-locker policy held by the cloud): the
 * unit takes it for its keypad, keeps it across a restart, and a code of the old length still
 * opens its door.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kioskConfigSchema } from '../config/kioskConfig';
import { listEvents } from '../store/events';
import { applyStoredPolicy, loadPolicyOverrides } from './policyOverrides';
import { deposit } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk, type LinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

let k: LinkedKiosk;
let n = 0;
beforeEach(async () => {
  k = await startLinkedKiosk(broker.url, `code-length-${++n}`);
  await until(() => k.link.status().connection === 'online', 'online');
});
afterEach(async () => {
  await k.close();
});

async function run(command: Record<string, unknown>): Promise<Record<string, unknown>> {
  await k.peer.sendCommand(command);
  const id = String(command.id);
  await until(() => k.peer.results().has(id), `result of ${String(command.type)}`);
  return k.peer.results().get(id)!.at(-1)!;
}

describe('config.update codeLength', () => {
  it('sets the length new codes get, outlives a restart, and a code of the old length still opens', async () => {
    await deposit(k, 'before', '123456');
    expect(k.core.codeLength()).toBe(6);

    expect(await run(k.peer.command('config.update', { codeLength: 8 }))).toMatchObject({
      ok: true,
      detail: JSON.stringify({ codeLength: 8 }),
    });
    expect(k.core.codeLength()).toBe(8);
    expect(k.config.policy.codeLength).toBe(8);
    expect(loadPolicyOverrides(k.db)).toEqual({ codeLength: 8 });
    const updated = listEvents(k.db).find((e) => e.type === 'config.updated');
    expect(updated && JSON.parse(updated.body).payload).toMatchObject({
      changes: { codeLength: 8 },
    });

    // What a restart reads back over the config file's value.
    const fresh = kioskConfigSchema.parse({ ...k.config, policy: { codeLength: 6 } }).policy;
    expect(fresh.codeLength).toBe(6);
    applyStoredPolicy(k.db, fresh);
    expect(fresh.codeLength).toBe(8);

    await deposit(k, 'after', '87654321');
    expect(await k.core.pickups.withCode('123456', 'code')).toMatchObject({
      ok: true,
      value: { parcelId: 'before' },
    });
    expect(await k.core.pickups.withCode('87654321', 'code')).toMatchObject({
      ok: true,
      value: { parcelId: 'after' },
    });
  });

  it('refuses a length outside 6–10 as invalid_payload and changes nothing', async () => {
    for (const codeLength of [5, 11, 7.5]) {
      expect(await run(k.peer.command('config.update', { codeLength }))).toMatchObject({
        ok: false,
        error: 'invalid_payload',
      });
    }
    expect(k.core.codeLength()).toBe(6);
    expect(loadPolicyOverrides(k.db)).toEqual({});
  });
});
