/** The barcode scanner, as the kiosk's composition root sees it. */
export type { BarcodeScanner, Scan, ScanSource, ScannerStatus } from './types';
export {
  HidScanner,
  openHidScanner,
  type HidScannerDeps,
  type ScannerDiagnostic,
  type Timers,
} from './hidScanner';
export {
  parseScannerConfig,
  scannerConfigSchema,
  scannerModes,
  type ScannerConfig,
  type ScannerConfigError,
  type ScannerMode,
} from './scannerConfig';
export {
  nodeHidBackend,
  type HidBackend,
  type HidDeviceInfo,
  type ScannerDevice,
} from './hidBackend';
export { symbologyFromAim, symbologyNames, unknownSymbology } from './aim';
