import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADGE_TOKEN_MAX_LENGTH, splitBadgeToken } from '../../src/shared/badge';
import { readBadgeToken } from '../../src/shared/node/badgeToken';
import { startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const issue = (lockers: string[], subject = 'courier-42') =>
  cloud.request<{ token?: string; error?: string; message?: string }>('POST', '/api/v1/badges', {
    role: 'courier',
    subject,
    lockers,
    validDays: 30,
  });

const issuedCount = () => {
  const db = new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM badges').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('badge issuing and the kiosk token limit', () => {
  it('mints up to the longest token the kiosk reads, then refuses with 422 and stores nothing', async () => {
    // Twelve 100-character locker ids fit; a thirteenth grows a character at a time until refused.
    const base = Array.from({ length: 12 }, (_, i) =>
      `L${String(i).padStart(2, '0')}`.padEnd(100, 'x'),
    );
    let longest = '';
    let refused: Awaited<ReturnType<typeof issue>> | undefined;
    for (let extra = 1; extra <= 128 && !refused; extra++) {
      const r = await issue([...base, 'y'.repeat(extra)]);
      if (r.status === 201) longest = r.body.token!;
      else refused = r;
    }
    expect(longest.length).toBeGreaterThan(BADGE_TOKEN_MAX_LENGTH - 3);
    expect(longest.length).toBeLessThanOrEqual(BADGE_TOKEN_MAX_LENGTH);
    expect(splitBadgeToken(longest)).not.toBeNull();
    expect(readBadgeToken(longest, cloud.cloudPublicKey).ok).toBe(true);

    const before = issuedCount();
    expect(refused?.status).toBe(422);
    expect(refused?.body).toMatchObject({
      error: 'badge_too_long',
      message: expect.stringContaining(String(BADGE_TOKEN_MAX_LENGTH)),
    });
    const many = await issue(Array.from({ length: 1000 }, (_, i) => `locker-${i}`));
    expect(many.status).toBe(422);
    expect(many.body.message).toMatch(/fewer lockers/);
    expect(issuedCount()).toBe(before);
  });

  it('issues an ordinary badge well inside the limit', async () => {
    const r = await issue(['BERLIN-1'], 'courier-7');
    expect(r.status).toBe(201);
    expect(r.body.token!.length).toBeLessThan(BADGE_TOKEN_MAX_LENGTH / 2);
  });
});
