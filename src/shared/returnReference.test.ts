import { describe, expect, it } from 'vitest';
import { returnReference, sameReference } from './returnReference';

describe("a return's short reference", () => {
  it('is R- and six characters nobody misreads, the same for the same return', () => {
    const id = '3f1e2d4c-5b6a-4789-9abc-def012345678';
    expect(returnReference(id)).toMatch(/^R-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(returnReference(id)).toBe(returnReference(id));
    expect(returnReference(id)).not.toBe(returnReference(id.replace('3f1e', '3f1f')));
  });

  it('keeps ten thousand returns with ids a digit apart from each other apart', () => {
    const ids = Array.from(
      { length: 10_000 },
      (_, i) => `3f1e2d4c-5b6a-4789-9abc-${String(i).padStart(12, '0')}`,
    );
    expect(new Set(ids.map(returnReference)).size).toBe(10_000);
  });

  it('is matched whatever the case, spaces or dashes someone types', () => {
    expect(sameReference('r-7k4m2q', 'R-7K4M2Q')).toBe(true);
    expect(sameReference(' R 7K4 M2Q ', 'R-7K4M2Q')).toBe(true);
    expect(sameReference('R-7K4M2R', 'R-7K4M2Q')).toBe(false);
  });
});
