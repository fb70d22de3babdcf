/**
 * The types of qrcode's encoder alone: the renderer imports `create` from its core file so
 * the bundle leaves out qrcode's canvas and string renderers, which the receipt does not use.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
