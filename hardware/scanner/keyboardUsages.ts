/** HID keyboard usages (usage page 0x07) to characters for a US layout, and back. */

/** [unshifted, shifted] character for each usage a scanner types. */
const usToCharacters = new Map<number, readonly [string, string]>();

for (let i = 0; i < 26; i++) {
  const letter = String.fromCharCode(0x61 + i);
  usToCharacters.set(0x04 + i, [letter, letter.toUpperCase()]);
}
const digitRow = '1234567890';
const digitRowShifted = '!@#$%^&*()';
for (let i = 0; i < 10; i++) usToCharacters.set(0x1e + i, [digitRow[i]!, digitRowShifted[i]!]);

const punctuation: ReadonlyArray<readonly [number, string, string]> = [
  [0x2b, '\t', '\t'],
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  // Keypad: scanners in "keypad digits" mode assume Num Lock on, so shift does not change them.
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
  [0x59, '1', '1'],
  [0x5a, '2', '2'],
  [0x5b, '3', '3'],
  [0x5c, '4', '4'],
  [0x5d, '5', '5'],
  [0x5e, '6', '6'],
  [0x5f, '7', '7'],
  [0x60, '8', '8'],
  [0x61, '9', '9'],
  [0x62, '0', '0'],
  [0x63, '.', '.'],
];
for (const [usage, plain, shifted] of punctuation) usToCharacters.set(usage, [plain, shifted]);

export const usageEnter = 0x28;
export const usageKeypadEnter = 0x58;
/** Sent in every key slot when more keys are down than the report can hold. */
export const usageErrorRollOver = 0x01;

export const modifierLeftControl = 0x01;
export const modifierLeftShift = 0x02;
export const modifierRightControl = 0x10;
export const modifierRightShift = 0x20;

/** The character a usage types, or undefined for keys that type nothing we keep. */
export function characterForUsage(usage: number, shifted: boolean): string | undefined {
  const pair = usToCharacters.get(usage);
  return pair ? pair[shifted ? 1 : 0] : undefined;
}

/** Control + letter / [ \ ] give the C0 control characters (GS1 labels send GS as Ctrl+]). */
export function controlCharacterForUsage(usage: number): string | undefined {
  if (usage >= 0x04 && usage <= 0x1d) return String.fromCharCode(usage - 0x04 + 1);
  if (usage === 0x2f) return '\x1b';
  if (usage === 0x31) return '\x1c';
  if (usage === 0x30) return '\x1d';
  return undefined;
}

export interface KeyStroke {
  usage: number;
  modifiers: number;
}

// Main-block keys win over keypad keys when a character is typed back (the simulator types).
const strokeForCharacter = new Map<string, KeyStroke>();
for (const [usage, [plain, shifted]] of [...usToCharacters].reverse()) {
  strokeForCharacter.set(shifted, { usage, modifiers: modifierLeftShift });
  strokeForCharacter.set(plain, { usage, modifiers: 0 });
}
for (let usage = 0x04; usage <= 0x31; usage++) {
  const control = controlCharacterForUsage(usage);
  // Tab types \t itself; Ctrl+I is only the fallback for characters with no key of their own.
  if (control && !strokeForCharacter.has(control)) {
    strokeForCharacter.set(control, { usage, modifiers: modifierLeftControl });
  }
}

/** How a US keyboard types a character, or undefined when it cannot. */
export function keyStrokeForCharacter(character: string): KeyStroke | undefined {
  return strokeForCharacter.get(character);
}
