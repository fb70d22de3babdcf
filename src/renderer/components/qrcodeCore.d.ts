/**
 * The types of qrcode's encoder alone: the renderer imports `create` from its core file so
 * the bundle leaves out qrcode's canvas and string renderers, which the receipt does not use.
 * Declared here rather than re-exported from `@types/qrcode`, which pulls Node's types into
 * the renderer's program (src/main/webshell/rendererIsolation.test.ts).
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export type ErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H' | 'low' | 'medium' | 'quartile' | 'high';
  export interface BitMatrix {
    size: number;
    data: Uint8Array;
    get(row: number, col: number): number | boolean;
  }
  export interface QRCode {
    modules: BitMatrix;
    version: number;
  }
  export function create(
    text: string,
    options?: { errorCorrectionLevel?: ErrorCorrectionLevel; version?: number },
  ): QRCode;
}
