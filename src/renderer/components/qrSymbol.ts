/**
 * A QR symbol as one SVG path: qrcode's encoder gives the module matrix, and each dark module
 * becomes a unit square inside a quiet zone of four modules, the margin scanners need to find it.
 */
import { create } from 'qrcode/lib/core/qrcode.js';

export const QUIET_ZONE = 4;

export interface QrSymbol {
  /** Modules across, quiet zone included: the SVG's viewBox is `0 0 width width`. */
  width: number;
  /** The dark modules, each `M x y h1v1h-1z`, in module units. */
  path: string;
}

export function qrSymbol(text: string): QrSymbol {
  // H (30% may be lost) costs nothing here: a return reference still fits the 21×21 version 1.
  const { modules } = create(text, { errorCorrectionLevel: 'H' });
  const squares: string[] = [];
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) squares.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
  return { width: modules.size + 2 * QUIET_ZONE, path: squares.join('') };
}
