/**
 * Boot-keyboard reports from a scanner that types (8 bytes: modifier byte, reserved byte, six key
 * usages): decode them into barcodes ended by Enter, and encode text as such reports.
 */
import { symbologyFromAim, unknownSymbology } from './aim';
import {
  characterForUsage,
  controlCharacterForUsage,
  keyStrokeForCharacter,
  modifierLeftShift,
  modifierRightShift,
  modifierLeftControl,
  modifierRightControl,
  usageEnter,
  usageErrorRollOver,
  usageKeypadEnter,
} from './keyboardUsages';
import type { DecodeEvent, DropReason, ReportDecoder } from './types';

export const bootKeyboardReportSize = 8;
const shiftBits = modifierLeftShift | modifierRightShift;
const controlBits = modifierLeftControl | modifierRightControl;
// Alt and GUI: a key pressed with them is a shortcut, not text.
const shortcutBits = 0x04 | 0x08 | 0x40 | 0x80;

export interface BootKeyboardDecoderOptions {
  /** Set when the keyboard interface numbers its reports: reports are then 9 bytes, id first. */
  reportId?: number;
  /** The scanner is set to prefix each barcode with its AIM id (`]Q1…`): strip it and use it. */
  aimPrefix?: boolean;
  maxBarcodeLength?: number;
}

export class BootKeyboardDecoder implements ReportDecoder {
  private text = '';
  private keysDown: number[] = [];
  private readonly maxBarcodeLength: number;

  constructor(private readonly options: BootKeyboardDecoderOptions = {}) {
    this.maxBarcodeLength = options.maxBarcodeLength ?? 16 * 1024;
  }

  feed(input: Uint8Array): DecodeEvent[] {
    const report = this.unwrap(input);
    if ('reason' in report) return [dropped(report.reason, report.detail)];
    const modifiers = report[0] ?? 0;
    const keys = [...report.subarray(2, 8)].filter((usage) => usage !== 0);
    if (keys.length > 0 && keys.every((usage) => usage === usageErrorRollOver)) {
      return [dropped('rollover', 'more keys down than the report holds')];
    }
    // A key still down from the previous report is held, not pressed again.
    const pressed = keys.filter((usage) => !this.keysDown.includes(usage));
    this.keysDown = keys;
    const events: DecodeEvent[] = [];
    for (const usage of pressed) {
      const event = this.press(usage, modifiers);
      if (event) events.push(event);
    }
    return events;
  }

  reset(): void {
    this.text = '';
    this.keysDown = [];
  }

  private unwrap(input: Uint8Array): Uint8Array | { reason: DropReason; detail: string } {
    const { reportId } = this.options;
    const size = bootKeyboardReportSize + (reportId === undefined ? 0 : 1);
    if (input.length < size) return { reason: 'short-report', detail: `${input.length} bytes` };
    if (input.length > size) return { reason: 'bad-length', detail: `${input.length} bytes` };
    if (reportId === undefined) return input;
    if (input[0] !== reportId) return { reason: 'wrong-report-id', detail: `id ${input[0]}` };
    return input.subarray(1);
  }

  private press(usage: number, modifiers: number): DecodeEvent | undefined {
    if (usage === usageEnter || usage === usageKeypadEnter) return this.finish();
    if ((modifiers & shortcutBits) !== 0) return undefined;
    const character =
      (modifiers & controlBits) !== 0
        ? controlCharacterForUsage(usage)
        : characterForUsage(usage, (modifiers & shiftBits) !== 0);
    if (character === undefined) return undefined;
    this.text += character;
    if (this.text.length <= this.maxBarcodeLength) return undefined;
    this.text = '';
    return dropped('too-long', `no Enter within ${this.maxBarcodeLength} characters`);
  }

  private finish(): DecodeEvent {
    const typed = this.text;
    this.text = '';
    if (this.options.aimPrefix && /^\][\x21-\x7e]{2}/.test(typed)) {
      const aimId = typed.slice(0, 3);
      const text = typed.slice(3);
      if (text === '') return dropped('empty', `only the AIM id ${aimId}`);
      return { kind: 'barcode', barcode: { text, symbology: symbologyFromAim(aimId), aimId } };
    }
    if (typed === '') return dropped('empty', 'Enter with nothing typed');
    return { kind: 'barcode', barcode: { text: typed, symbology: unknownSymbology } };
  }
}

function dropped(reason: DropReason, detail: string): DecodeEvent {
  return { kind: 'dropped', dropped: { reason, detail } };
}

/** The characters of `text` a US keyboard cannot type (the simulator refuses those). */
export function untypeableCharacters(text: string): string[] {
  return [...new Set([...text].filter((c) => keyStrokeForCharacter(c) === undefined))];
}

/**
 * The reports a typing scanner sends for `text`: each key pressed (with shift where needed) and
 * released, then Enter. Throws on characters a US keyboard cannot type: check first.
 */
export function encodeKeyboardReports(text: string): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const release = () => new Uint8Array(bootKeyboardReportSize);
  const press = (usage: number, modifiers: number) => {
    const report = release();
    report[0] = modifiers;
    report[2] = usage;
    reports.push(report, release());
  };
  for (const character of text) {
    const stroke = keyStrokeForCharacter(character);
    if (!stroke) throw new RangeError(`a US keyboard cannot type ${JSON.stringify(character)}`);
    press(stroke.usage, stroke.modifiers);
  }
  press(usageEnter, 0);
  return reports;
}
