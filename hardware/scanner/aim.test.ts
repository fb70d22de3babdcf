import { describe, expect, it } from 'vitest';
import { aimFromSymbology, symbologyFromAim, symbologyNames } from './aim';

describe('AIM symbology identifiers', () => {
  it.each([
    [']Q1', 'qr-code'],
    [']Q3', 'gs1-qr-code'],
    [']C0', 'code-128'],
    [']C1', 'gs1-128'],
    [']E0', 'ean-13'],
    [']E4', 'ean-8'],
    [']d1', 'data-matrix'],
    [']d2', 'gs1-data-matrix'],
    [']A0', 'code-39'],
    [']I1', 'interleaved-2-of-5'],
    [']L2', 'pdf417'],
    [']z0', 'aztec'],
    [']e0', 'gs1-databar'],
  ])('%s is %s', (aimId, name) => {
    expect(symbologyFromAim(aimId)).toBe(name);
  });

  it('calls anything that is not an AIM id unknown', () => {
    expect(symbologyFromAim('\u0000\u0000\u0000')).toBe('unknown');
    expect(symbologyFromAim(']')).toBe('unknown');
    expect(symbologyFromAim(']#0')).toBe('unknown');
  });

  it('gives back, for every name, an id that maps to that name', () => {
    for (const name of symbologyNames) {
      expect(symbologyFromAim(aimFromSymbology(name) ?? '')).toBe(name);
    }
  });

  // Found by the fuzz drill: ]E1 and ]E2 read as ean-upc-add-on, a name the list did not hold,
  // so a scan could carry a symbology the simulator could not produce by name.
  it('lists every name a well-formed AIM id can read as', () => {
    const known = new Set([...symbologyNames, 'unknown']);
    for (let code = 0x21; code <= 0x7e; code++) {
      for (let modifier = 0x21; modifier <= 0x7e; modifier++) {
        const aimId = `]${String.fromCharCode(code, modifier)}`;
        expect(known, aimId).toContain(symbologyFromAim(aimId));
      }
    }
  });

  it('passes raw AIM ids through and refuses unknown names', () => {
    expect(aimFromSymbology(']E0')).toBe(']E0');
    expect(aimFromSymbology('qr')).toBeUndefined();
  });
});
