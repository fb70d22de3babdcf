import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import type { AllocationResponse, AuditResponse } from '../../src/shared/rest/schemas';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { allocationRequest, provisionAndEnroll, startTestCloud } from '../testSupport/cloudFixture';

const dataDir = mkdtempSync(join(tmpdir(), 'cloud-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a restarted cloud', () => {
  it('keeps its key, the acked chain head and its allocations, and continues the chain', async () => {
    const first = await startTestCloud({ dataDir });
    const locker = await provisionAndEnroll(first, 'RESTART-1');
    const chain = new DeviceChain('RESTART-1', locker.key);
    const events = chain.filler(5);
    let link = await DeviceLink.connect(first.mqttUrl, locker.login, {
      cloudPublicKey: first.cloudPublicKey,
    });
    await link.publishEvents(events.slice(0, 3));
    expect(await link.acks.next()).toBe(3);
    const alloc = await first.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('RESTART-1', 'P-R'),
    );
    const key = publicKeyToRaw(first.cloudPublicKey);
    await link.close();
    await first.close();

    const second = await startTestCloud({ dataDir });
    try {
      expect(publicKeyToRaw(second.cloudPublicKey)).toBe(key);
      link = await DeviceLink.connect(second.mqttUrl, locker.login, {
        cloudPublicKey: second.cloudPublicKey,
      });
      // The unit resends from its first unacked seq, with some overlap.
      await link.publishEvents(events.slice(2));
      expect(await link.acks.next()).toBe(5);
      const audit = await second.request<AuditResponse>('GET', '/api/v1/lockers/RESTART-1/audit');
      expect(audit.body).toMatchObject({ ackedSeq: 5, lastHash: events[4]!.hash, flagged: false });
      const cancel = await second.request(
        'POST',
        `/api/v1/allocations/${alloc.body.allocationId}/cancel`,
      );
      expect(cancel.status).toBe(200);
      await link.close();
    } finally {
      await second.close();
    }
  });
});
