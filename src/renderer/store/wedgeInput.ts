/**
 * Keyboard-wedge scanners type their code as fast keystrokes: caught here on every screen
 * (WedgeDetector tells them from a person typing), handed to the store as a scan, and kept out
 * of whatever field has focus. Keys that turn out to be typing are delivered late, in order.
 */
import { WedgeDetector, type WedgeKey } from '../../shared/scanner/wedgeDetector';

export interface WedgeInputOptions {
  onScan: (text: string) => void;
  /** A person's keys with no text field focused (digits on the code screens). */
  onKeys: (keys: string) => void;
  /** When a key was pressed: KeyboardEvent.timeStamp, the platform's time of the key, so a
   * busy page does not make a scanner's burst look like typing. */
  stamp?: (event: KeyboardEvent) => number;
  /** The same clock, now (performance.now()). */
  now?: () => number;
}

const FLUSH_AFTER_MS = 40;

function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement : HTMLInputElement;
  const setter = Object.getOwnPropertyDescriptor(proto.prototype, 'value')?.set;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? el.value.length;
  const value = el.value.slice(0, start) + text + el.value.slice(end);
  // The native setter, so React's controlled input sees a real change.
  setter?.call(el, value);
  el.setSelectionRange(start + text.length, start + text.length);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function attachWedgeInput(target: Window, options: WedgeInputOptions): () => void {
  const detector = new WedgeDetector();
  const now = options.now ?? (() => target.performance.now());
  const stamp = options.stamp ?? ((event: KeyboardEvent) => event.timeStamp);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const deliver = (keys: WedgeKey[]) => {
    if (keys.length === 0) return;
    const text = keys.map((k) => k.key).join('');
    const el = target.document.activeElement;
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) typeInto(el, text);
    else options.onKeys(text);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const verdict = detector.push({ key: event.key, at: stamp(event), repeat: event.repeat });
    if (verdict.held || verdict.scan) event.preventDefault();
    deliver(verdict.released);
    if (verdict.scan) options.onScan(verdict.scan.text);
    clearTimeout(timer);
    if (detector.holding > 0)
      timer = setTimeout(() => deliver(detector.flush(now())), FLUSH_AFTER_MS);
  };
  target.addEventListener('keydown', onKeyDown, true);
  return () => {
    clearTimeout(timer);
    target.removeEventListener('keydown', onKeyDown, true);
  };
}
