/** The scanner section of the kiosk config, validated: which USB device, and how it reports. */
import { z } from 'zod';
import { err, ok, type Result } from './result';

export const scannerModes = ['hid-pos', 'keyboard', 'auto'] as const;
export type ScannerMode = (typeof scannerModes)[number];

// Config files and command lines write USB ids in hex (`0x0c2e`); JSON numbers are fine too.
const usbId = z.union(
  [
    z.number().int().min(0).max(0xffff),
    z
      .string()
      .regex(/^(0x[0-9a-f]{1,4}|[0-9]{1,5})$/i, 'a USB id like 0x0c2e')
      .transform((text) => Number(text))
      .pipe(z.number().int().min(0).max(0xffff)),
  ],
  { error: 'expected a USB id from 0x0000 to 0xffff' },
);

// Not strict: the kiosk config embeds this section next to its own keys (`kind: 'hid'`).
export const scannerConfigSchema = z.object({
  vendorId: usbId,
  productId: usbId,
  mode: z.enum(scannerModes).default('auto'),
  /** Pick one of several identical scanners by its HID path. */
  path: z.string().min(1).optional(),
  /** Keyboard mode: the scanner prefixes each barcode with its AIM id. */
  aimPrefix: z.boolean().optional(),
});

export type ScannerConfig = z.output<typeof scannerConfigSchema>;

export interface ScannerConfigError {
  reason: 'invalid-scanner-config';
  issues: string[];
}

export function parseScannerConfig(input: unknown): Result<ScannerConfig, ScannerConfigError> {
  const parsed = scannerConfigSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return err({ reason: 'invalid-scanner-config', issues });
}

export const formatUsbId = (id: number): string => `0x${id.toString(16).padStart(4, '0')}`;
