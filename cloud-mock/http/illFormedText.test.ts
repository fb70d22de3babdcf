import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database';
import { provisionAndEnroll, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

// Found by the fuzz drill: JSON text can carry a lone surrogate (`"\ud800"`), which no signed
// command or badge can hold (RFC 8785 has no form for it). A badge subject or a remote open's
// reason holding one was taken, and signing the badge or the command then threw: a 500.
describe('a REST body with text that is not valid Unicode', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
    await provisionAndEnroll(cloud, 'LONE-1');
  });
  afterAll(() => cloud.close());

  const post = (url: string, text: string) =>
    cloud.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: text,
    });

  const rows = (table: string): number => {
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('is refused with a 400 naming the field, and nothing is recorded or sent', async () => {
    const before = rows('commands');
    const r = await post(
      '/api/v1/lockers/LONE-1/open',
      '{"compartmentId":"A1","reason":"x \\ud800","requestedBy":"agent-7"}',
    );
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      error: 'invalid_request',
      problems: [{ path: 'body.reason', message: expect.stringContaining('lone surrogate') }],
    });
    expect(rows('commands')).toBe(before);
  });

  it('is refused for a badge, whose claims are signed the same way', async () => {
    const before = rows('badges');
    const r = await post('/api/v1/badges', '{"role":"staff","subject":"\\ud800","validDays":17}');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ problems: [{ path: 'body.subject' }] });
    expect(rows('badges')).toBe(before);
  });

  it('is refused in a key as well as in a value, at any depth', async () => {
    const r = await post('/api/v1/lockers', '{"id":"LONE-2","extra":{"\\udc00":1}}');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ problems: [{ path: 'body.extra' }] });
  });

  it('takes a well-formed pair of surrogates (an emoji) as the text it is', async () => {
    const r = await post(
      '/api/v1/lockers/LONE-1/open',
      '{"compartmentId":"A1","reason":"customer call \\ud83d\\udce6","requestedBy":"agent-7"}',
    );
    expect(r.statusCode).not.toBe(400);
    expect(r.statusCode).toBeLessThan(500);
  });
});
