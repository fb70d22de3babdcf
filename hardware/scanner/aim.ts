/**
 * AIM symbology identifiers (ISO/IEC 15424: `]` + code character + modifier) to the symbology
 * names the kiosk sees, and back for the simulator.
 */

// Modifiers that change what the symbol is (GS1 variants); others (check digit, ECI) do not.
const exact: Readonly<Record<string, string>> = {
  C1: 'gs1-128',
  d2: 'gs1-data-matrix',
  d5: 'gs1-data-matrix',
  Q3: 'gs1-qr-code',
  Q4: 'gs1-qr-code',
  E4: 'ean-8',
  E1: 'ean-upc-add-on',
  E2: 'ean-upc-add-on',
  E3: 'ean-13',
};

const byCodeCharacter: Readonly<Record<string, string>> = {
  A: 'code-39',
  C: 'code-128',
  d: 'data-matrix',
  E: 'ean-13',
  e: 'gs1-databar',
  F: 'codabar',
  G: 'code-93',
  H: 'code-11',
  I: 'interleaved-2-of-5',
  L: 'pdf417',
  M: 'msi',
  Q: 'qr-code',
  U: 'maxicode',
  z: 'aztec',
  X: 'other',
};

export const unknownSymbology = 'unknown';

/** `]Q1` → `qr-code`; anything that is not a well-formed AIM id → `unknown`. */
export function symbologyFromAim(aimId: string): string {
  if (aimId.length !== 3 || aimId[0] !== ']') return unknownSymbology;
  const code = aimId.slice(1);
  return exact[code] ?? byCodeCharacter[code[0] ?? ''] ?? unknownSymbology;
}

// The identifier a scanner would send for each name: the plain variant of each symbology.
const aimForName: Readonly<Record<string, string>> = {
  'code-39': ']A0',
  'code-128': ']C0',
  'gs1-128': ']C1',
  'data-matrix': ']d1',
  'gs1-data-matrix': ']d2',
  'ean-13': ']E0',
  'ean-8': ']E4',
  'ean-upc-add-on': ']E1',
  'gs1-databar': ']e0',
  codabar: ']F0',
  'code-93': ']G0',
  'code-11': ']H0',
  'interleaved-2-of-5': ']I0',
  pdf417: ']L0',
  msi: ']M0',
  'qr-code': ']Q1',
  'gs1-qr-code': ']Q3',
  maxicode: ']U0',
  aztec: ']z0',
  other: ']X0',
};

/** `qr-code` → `]Q1`; a raw AIM id passes through; an unknown name → undefined. */
export function aimFromSymbology(nameOrAim: string): string | undefined {
  if (/^\][\x21-\x7e]{2}$/.test(nameOrAim)) return nameOrAim;
  return aimForName[nameOrAim];
}

export const symbologyNames: readonly string[] = Object.keys(aimForName);
