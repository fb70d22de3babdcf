/** A QR code drawn as inline SVG (no canvas), named for screen readers by what it carries. */
import { useMemo } from 'react';
import { qrSymbol } from './qrSymbol';

export function QrCode({ text, label }: { text: string; label: string }) {
  const symbol = useMemo(() => qrSymbol(text), [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${symbol.width} ${symbol.width}`}
      // Sharp module edges: anti-aliased seams between squares blur the symbol for a camera.
      shapeRendering="crispEdges"
    >
      <rect width={symbol.width} height={symbol.width} fill="#fff" />
      <path d={symbol.path} fill="#000" />
    </svg>
  );
}
