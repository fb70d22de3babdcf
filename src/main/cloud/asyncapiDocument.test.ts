import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { ASYNCAPI_FILE, asyncApiText } from './asyncapiDocument';

describe('AsyncAPI document', () => {
  it('is a valid AsyncAPI 3.0 document', async () => {
    const { document, diagnostics } = await new Parser().parse(asyncApiText());
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.id())
        .sort(),
    ).toEqual(['acks', 'commands', 'events', 'presence', 'state']);
  });

  it('matches the committed docs/asyncapi.json (regenerate with npx tsx src/main/cloud/asyncapiDocument.ts --write)', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(asyncApiText());
  });
});
