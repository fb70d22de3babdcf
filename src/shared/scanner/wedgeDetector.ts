/**
 * Tells a keyboard-wedge scanner from a person typing, for the renderer's last-resort scanner
 * input: a scanner types a fast burst of printable keys ended by Enter, people type slower.
 *
 * Pure: no timers, no DOM. The caller feeds every keydown and acts on the verdict:
 *
 *   const verdict = detector.push({ key: event.key, at: event.timeStamp, repeat: event.repeat });
 *   if (verdict.held || verdict.scan) event.preventDefault();
 *   typeIntoField(verdict.released);              // keys that turned out to be typing
 *   if (verdict.scan) onScan(verdict.scan.text);
 *   // and after maxGapMs without keys: typeIntoField(detector.flush(now))
 *
 * Printable keys are held back until it is clear whether they belong to a scan, so a scanned
 * code never lands in a focused text field; a person's keys reach the field at most maxGapMs late.
 */

export interface WedgeKey {
  /** KeyboardEvent.key: one character for printable keys, a name (`Enter`, `Shift`) otherwise. */
  key: string;
  /** Milliseconds, any monotonic origin (KeyboardEvent.timeStamp). */
  at: number;
  /** KeyboardEvent.repeat: a key held down auto-repeats fast, but is never a scan. */
  repeat?: boolean;
}

export interface WedgeOptions {
  /** Shorter bursts are typing (default 4). */
  minLength?: number;
  /** A longer pause between two keys, or before Enter, means a person (default 35 ms). */
  maxGapMs?: number;
  /** A burst from first key to Enter may take at most this long (default 5000 ms). */
  maxDurationMs?: number;
  /** Keys that end a scan (default Enter; some scanners are set to send Tab). */
  terminators?: readonly string[];
}

export interface WedgeVerdict {
  /** This key was held back: keep it out of the focused field. */
  held: boolean;
  /** Keys held earlier that turned out to be typing: deliver them to the field, in order. */
  released: WedgeKey[];
  /** This key ended a scan: the scanned text and every keystroke it consumed (terminator included). */
  scan?: { text: string; consumed: WedgeKey[] };
}

// Keys that change other keys but type nothing: they pass through and do not break a burst.
const modifierKeys = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'CapsLock',
  'NumLock',
]);

const isPrintable = (key: string): boolean => [...key].length === 1 && key >= ' ';

export class WedgeDetector {
  private readonly minLength: number;
  private readonly maxGapMs: number;
  private readonly maxDurationMs: number;
  private readonly terminators: ReadonlySet<string>;
  private held: WedgeKey[] = [];
  private lastAt: number | undefined;
  /** The current burst already broke a rule (too long, auto-repeat): it passes through until a pause. */
  private spoiled = false;

  constructor(options: WedgeOptions = {}) {
    this.minLength = options.minLength ?? 4;
    this.maxGapMs = options.maxGapMs ?? 35;
    this.maxDurationMs = options.maxDurationMs ?? 5000;
    this.terminators = new Set(options.terminators ?? ['Enter']);
  }

  push(event: WedgeKey): WedgeVerdict {
    if (modifierKeys.has(event.key)) return { held: false, released: [] };
    const paused = this.lastAt === undefined || event.at - this.lastAt > this.maxGapMs;
    this.lastAt = event.at;
    // After a pause, what was held is typing, and a new burst may start.
    const released = paused ? this.releaseAll() : [];
    if (paused) this.spoiled = false;

    if (this.terminators.has(event.key)) return this.terminate(event, released);
    if (!isPrintable(event.key))
      return { held: false, released: [...released, ...this.releaseAll()] };

    const first = this.held[0] ?? event;
    if (event.repeat || event.at - first.at > this.maxDurationMs) this.spoiled = true;
    if (this.spoiled) return { held: false, released: [...released, ...this.releaseAll()] };
    this.held.push(event);
    return { held: true, released };
  }

  /** The caller's timer calls this once keys stop: held keys older than maxGapMs are typing. */
  flush(now: number): WedgeKey[] {
    if (this.lastAt === undefined || now - this.lastAt <= this.maxGapMs) return [];
    this.spoiled = false;
    return this.releaseAll();
  }

  /** How many keys are held back right now. */
  get holding(): number {
    return this.held.length;
  }

  private terminate(event: WedgeKey, released: WedgeKey[]): WedgeVerdict {
    const burst = this.releaseAll();
    if (this.spoiled || burst.length < this.minLength) {
      return { held: false, released: [...released, ...burst] };
    }
    const text = burst.map((k) => k.key).join('');
    return { held: true, released, scan: { text, consumed: [...burst, event] } };
  }

  private releaseAll(): WedgeKey[] {
    const keys = this.held;
    this.held = [];
    return keys;
  }
}
