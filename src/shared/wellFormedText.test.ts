import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate, illFormedTextAt } from './wellFormedText';

describe('text that is not valid Unicode', () => {
  it('is a lone high or low surrogate, not a pair', () => {
    expect(hasLoneSurrogate('a\ud800b')).toBe(true);
    expect(hasLoneSurrogate('a\udc00')).toBe(true);
    expect(hasLoneSurrogate('\udc00\ud800')).toBe(true);
    expect(hasLoneSurrogate('parcel 📦 ü')).toBe(false);
  });

  it('is found at its path in values and keys, at any depth', () => {
    expect(illFormedTextAt({ a: [1, { b: 'x\ud800' }] })).toEqual(['a', '1', 'b']);
    expect(illFormedTextAt({ a: { '\udc00': 1 } })).toEqual(['a']);
    expect(illFormedTextAt('\ud800')).toEqual([]);
    expect(illFormedTextAt({ a: ['ok', 2, null, true] })).toBeUndefined();
  });
});
